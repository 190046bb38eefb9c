// Scaler model files, shape {n_features}. Each body holds what the scaler learnt (the
// statistics, in double) and its parameters; the map it applies is derived again on load, so
// a file cannot hold a map that disagrees with its statistics.
//   preprocessing.standard_scaler: with_mean, with_std, rows, weight, mean, m2
//   preprocessing.min_max_scaler:  feature range (low, high), clip, rows, data_min, data_max
//   preprocessing.max_abs_scaler:  rows, data_min, data_max
#pragma once

#include <cmath>
#include <span>
#include <string_view>

#include "../io/model_file.hpp"
#include "max_abs_scaler.hpp"
#include "min_max_scaler.hpp"
#include "standard_scaler.hpp"

namespace linfa::preprocessing::io_detail {

template <class Writer>
void save_column(Writer& w, const char* name, const Eigen::VectorXd& v) {
    w.vector(name, std::span<const double>(v.data(), std::size_t(v.size())));
}

/// A column of `d` finite values.
template <class Reader>
Eigen::VectorXd load_column(Reader& r, const char* name, std::uint64_t d) {
    const auto values = r.template vector<double>(name, d);
    Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
    if (!v.allFinite()) io::fail(std::string(name) + " must be finite");
    return v;
}

/// The feature count of a scaler's header shape {n_features}.
inline std::uint64_t n_features(const ModelHeader& header, const char* who) {
    if (header.shape.size() != 1 || header.shape[0] == 0 || header.shape[0] > std::uint64_t(INT32_MAX)) {
        io::fail(std::string("a ") + who + " model needs shape {n_features >= 1}");
    }
    return header.shape[0];
}

inline bool load_flag(std::uint32_t v, const char* name) {
    if (v > 1) io::fail(std::string(name) + " must be 0 or 1");
    return v == 1;
}

template <class Writer>
void save_extremes(Writer& w, const ColumnExtremes& e) {
    w.value("rows", e.rows);
    save_column(w, "data_min", e.min);
    save_column(w, "data_max", e.max);
}

template <class Reader>
ColumnExtremes load_extremes(Reader& r, std::uint64_t d) {
    ColumnExtremes e;
    e.rows = r.template value<std::uint64_t>("rows");
    e.min = load_column(r, "data_min", d);
    e.max = load_column(r, "data_max", d);
    if (e.rows == 0) io::fail("rows must be at least 1");
    if ((e.min.array() > e.max.array()).any()) io::fail("data_min must not exceed data_max");
    return e;
}

}  // namespace linfa::preprocessing::io_detail

namespace linfa {

/// Model files of StandardScaler<F>: kind "preprocessing.standard_scaler", shape
/// {n_features}; the body holds with_mean, with_std, the rows and total weight seen, the means
/// and the sums of squared deviations.
template <Float F>
struct model_io<preprocessing::StandardScaler<F>> {
    /// The model type.
    using Model = preprocessing::StandardScaler<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "preprocessing.standard_scaler";

    /// The header's shape: {n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_features()}; }

    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        using namespace preprocessing::io_detail;
        w.value("with_mean", std::uint32_t(m.with_mean()));
        w.value("with_std", std::uint32_t(m.with_std()));
        w.value("rows", m.moments().rows);
        w.value("weight", m.moments().weight);
        save_column(w, "mean", m.moments().mean);
        save_column(w, "m2", m.moments().m2);
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, flags not
    /// 0 or 1, no rows, a weight not finite and positive, non-finite means or negative sums
    /// of squares.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace preprocessing::io_detail;
        const auto d = n_features(header, "StandardScaler");
        const bool with_mean = load_flag(r.template value<std::uint32_t>("with_mean"), "with_mean");
        const bool with_std = load_flag(r.template value<std::uint32_t>("with_std"), "with_std");
        preprocessing::ColumnMoments m;
        m.rows = r.template value<std::uint64_t>("rows");
        m.weight = r.template value<double>("weight");
        m.mean = load_column(r, "mean", d);
        m.m2 = load_column(r, "m2", d);
        if (m.rows == 0) io::fail("rows must be at least 1");
        if (!std::isfinite(m.weight) || !(m.weight > 0)) io::fail("weight must be finite and positive");
        if ((m.m2.array() < 0).any()) io::fail("m2 must be >= 0");
        return Model(std::move(m), with_mean, with_std);
    }
};

/// Model files of MinMaxScaler<F>: kind "preprocessing.min_max_scaler", shape {n_features};
/// the body holds the feature range, clip, the rows seen and each feature's extremes.
template <Float F>
struct model_io<preprocessing::MinMaxScaler<F>> {
    /// The model type.
    using Model = preprocessing::MinMaxScaler<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "preprocessing.min_max_scaler";

    /// The header's shape: {n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_features()}; }

    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        w.value("range_low", m.feature_range().first);
        w.value("range_high", m.feature_range().second);
        w.value("clip", std::uint32_t(m.clip()));
        preprocessing::io_detail::save_extremes(w, m.extremes());
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, a range
    /// that is not finite and increasing, clip not 0 or 1, no rows, or extremes that are not
    /// finite or not ordered.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace preprocessing::io_detail;
        const auto d = n_features(header, "MinMaxScaler");
        const auto low = r.template value<double>("range_low"), high = r.template value<double>("range_high");
        if (!std::isfinite(low) || !std::isfinite(high) || !(low < high)) io::fail("the feature range must be finite and increasing");
        const bool clip = load_flag(r.template value<std::uint32_t>("clip"), "clip");
        return Model(load_extremes(r, d), {low, high}, clip);
    }
};

/// Model files of MaxAbsScaler<F>: kind "preprocessing.max_abs_scaler", shape {n_features};
/// the body holds the rows seen and each feature's extremes.
template <Float F>
struct model_io<preprocessing::MaxAbsScaler<F>> {
    /// The model type.
    using Model = preprocessing::MaxAbsScaler<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "preprocessing.max_abs_scaler";

    /// The header's shape: {n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_features()}; }

    /// Writes the body through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        preprocessing::io_detail::save_extremes(w, m.extremes());
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, no rows,
    /// or extremes that are not finite or not ordered.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace preprocessing::io_detail;
        return Model(load_extremes(r, n_features(header, "MaxAbsScaler")));
    }
};

}  // namespace linfa
