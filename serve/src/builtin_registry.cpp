// The model types this build serves: every model of linfa::Models (models.hpp), so a listed
// algorithm is served without an edit here. Kept apart from registry.cpp because it
// instantiates the adapter of every model (the fuzz targets link the registry without it).
#include <linfa/models.hpp>

#include "servable_adapter.hpp"

namespace linfa::serve {

const Registry& builtin_registry() {
    static const Registry registry = [] {
        Registry r;
        Models::for_each([&](auto model) { register_servable<typename decltype(model)::type>(r); });
        return r;
    }();
    return registry;
}

}  // namespace linfa::serve
