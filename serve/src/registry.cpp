// The registry: loaders keyed by the model kind and scalar type of a file's header.
// builtin_registry.cpp fills it with every model this build serves.
#include <linfa/core/error.hpp>
#include <linfa/io/model_file.hpp>

#include "servable.hpp"

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

}  // namespace linfa::serve
