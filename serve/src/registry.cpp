// The registry and the model types this build serves: every model of linfa::Models
// (models.hpp), so a listed algorithm is served without an edit here.
#include <linfa/core/error.hpp>
#include <linfa/models.hpp>

#include "servable_adapter.hpp"

namespace linfa::serve {

void Registry::add(std::string kind, std::string scalar, Loader loader) {
    loaders_[{std::move(kind), std::move(scalar)}] = std::move(loader);
}

std::unique_ptr<ServableModel> Registry::load(const std::string& path) const {
    const ModelHeader header = linfa::read_header(path);
    const auto found = loaders_.find({header.kind, header.scalar});
    if (found == loaders_.end()) {
        std::string known_list;
        for (const auto& name : known()) known_list += (known_list.empty() ? "" : ", ") + name;
        throw ModelFileError("cannot serve '" + path + "': it holds a '" + header.kind + "' model of " +
                             header.scalar + " values; this server knows " + known_list);
    }
    return found->second(path);
}

std::vector<std::string> Registry::known() const {
    std::vector<std::string> names;
    for (const auto& [key, loader] : loaders_) names.push_back(key.first + "/" + key.second);
    return names;
}

const Registry& builtin_registry() {
    static const Registry registry = [] {
        Registry r;
        Models::for_each([&](auto model) { register_servable<typename decltype(model)::type>(r); });
        return r;
    }();
    return registry;
}

}  // namespace linfa::serve
