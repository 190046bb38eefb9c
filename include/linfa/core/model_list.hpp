// Lists of model types: the shape of linfa::Models (models.hpp), the one list every generic
// part of linfa iterates. Kept apart from models.hpp so that generic templates (a pipeline's
// steps) can take a list without including every algorithm.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>

namespace linfa {

/// A list of model types. Each must have a `model_io` specialisation (loadable, savable) and
/// a `model_example` one (fittable by generic tests).
template <class... Ms>
struct ModelList {
    /// Number of model types in the list.
    static constexpr std::size_t size = sizeof...(Ms);
    /// The same types as a std::tuple (doctest's TEST_CASE_TEMPLATE_APPLY takes one).
    using tuple = std::tuple<Ms...>;
    /// This list followed by the types `Ns`.
    template <class... Ns>
    using append = ModelList<Ms..., Ns...>;
    /// `Wrap<M>` for every model type M, in list order.
    template <template <class> class Wrap>
    using map = ModelList<Wrap<Ms>...>;

    /// Calls `fn(std::type_identity<M>{})` for every model type M, in list order.
    template <class Fn>
    static void for_each(Fn&& fn) {
        (fn(std::type_identity<Ms>{}), ...);
    }
};

/// The concatenation of two lists (declared only: for `decltype`, as in `filter`).
template <class... As, class... Bs>
ModelList<As..., Bs...> operator+(ModelList<As...>, ModelList<Bs...>);

/// The model types M of `List` for which `Keep<M>::value` is true, in list order.
template <class List, template <class> class Keep>
struct list_filter;
/// list_filter of a ModelList.
template <class... Ms, template <class> class Keep>
struct list_filter<ModelList<Ms...>, Keep> {
    /// The kept types.
    using type = decltype((ModelList<>{} + ... + std::conditional_t<Keep<Ms>::value, ModelList<Ms>, ModelList<>>{}));
};

/// `Into<Ms...>` for the types of `List` (a ModelList).
template <class List, template <class...> class Into>
struct list_into;
/// list_into of a ModelList.
template <class... Ms, template <class...> class Into>
struct list_into<ModelList<Ms...>, Into> {
    /// The types of the list as `Into`'s arguments.
    using type = Into<Ms...>;
};

}  // namespace linfa
