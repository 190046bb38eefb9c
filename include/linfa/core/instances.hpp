// Explicit instantiation of every algorithm for float and double, for projects that want to
// compile them once rather than in every translation unit that fits a model.
//
// Each algorithm's header ends with LINFA_DECLARE_INSTANCES(ITS_LIST), where ITS_LIST(how) names
// its checked-parameter classes (`how class linfa::...<float>;` and `<double>`) and its fits on
// sparse records (member templates, for both index widths).
// By default that expands to nothing and linfa stays header-only. With LINFA_EXTERN_TEMPLATES
// defined it becomes `extern template class ...;`, which stops every translation unit from
// instantiating those classes' out-of-line members and those fits (the heaviest code in linfa);
// then exactly one translation unit of the program must define them with
// LINFA_DEFINE_INSTANCES(ITS_LIST) for every algorithm the program uses (instances/ in this
// repository, compiled into the `linfa_instances` library that its own binaries link).
// Only the members listed are affected: other member templates and inline
// members are still instantiated where they are used, so nothing is missing without it.
#pragma once

#include <cstdint>

#if defined(LINFA_EXTERN_TEMPLATES)
/// Declares an algorithm's instance list `extern template` (LINFA_EXTERN_TEMPLATES is defined).
#define LINFA_DECLARE_INSTANCES(list) list(extern template)
#else
/// Nothing: linfa is header-only unless LINFA_EXTERN_TEMPLATES is defined.
#define LINFA_DECLARE_INSTANCES(list)
#endif

/// Instantiates every class of an algorithm's list (see LINFA_DECLARE_INSTANCES).
#define LINFA_DEFINE_INSTANCES(list) list(template)

/// `how class T<float>; how class T<double>;`, for the lists.
#define LINFA_INSTANCE_PAIR(how, ...) \
    how class __VA_ARGS__<float>;     \
    how class __VA_ARGS__<double>;

/// `how Ret<F> Params<F>::name(const SparseDatasetView<F, I>&) const;` for float and double
/// and 32- and 64-bit indices: a fit on sparse records (a member template) in an instance list.
#define LINFA_SPARSE_FIT_INSTANCES(how, Ret, Params, name)                                    \
    how Ret<float> Params<float>::name(const linfa::SparseDatasetView<float, std::int32_t>&) const;  \
    how Ret<float> Params<float>::name(const linfa::SparseDatasetView<float, std::int64_t>&) const;  \
    how Ret<double> Params<double>::name(const linfa::SparseDatasetView<double, std::int32_t>&) const; \
    how Ret<double> Params<double>::name(const linfa::SparseDatasetView<double, std::int64_t>&) const;
