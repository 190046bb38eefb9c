// The penalised logistic loss and its gradient in one pass over the records: each block of
// records is scored by small products, its losses and residuals computed in double (exp and log
// vectorised along the block), and the residuals multiplied back into the gradient before the
// next block is read, so the records
// are read once per evaluation and nothing of size n x classes is ever held. Chunks of rows
// run in parallel and their sums are added in chunk order: the same value and gradient, bit
// for bit, on any thread count. Dense records (DatasetView) are scored and multiplied back by
// matrix products; sparse ones (SparseDatasetView) entry by entry, with fewer chunks when the
// per-chunk gradients (classes x features each) would otherwise take much memory. Where the
// chunks are, and how their sums meet, is the loss's ChunkSums: all in this process, or spread
// over the ranks of a distributed fit (distributed/logistic.hpp), whose every rank then sees
// the value and gradient one process computes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "link.hpp"

namespace linfa::linear::logistic_detail {

/// Where a loss's chunks are and how their sums meet: in this process (InProcessSums) or over
/// the ranks of a distributed fit (distributed::ShardLossSums). An interface rather than a
/// template parameter so that one compiled fit (LogisticRegressionValidParams::fit_classes)
/// serves both: the same machine code gives the same bits, where two instantiations may not (a
/// compiler may contract a x b + c into one FMA in one and not in the other).
class ChunkSums {
public:
    virtual ~ChunkSums() = default;
    /// The chunks this process sums, given `own`: the plan it would use holding every row.
    virtual ChunkPlan plan(const ChunkPlan& own) const = 0;
    /// Every chunk's first `width` sums added in chunk order, over every process that holds some.
    virtual std::vector<double> total(const PerChunk<double>& partial, std::size_t width) const = 0;
};

/// ChunkSums when every record is in this process: its own chunks, added in chunk order.
class InProcessSums final : public ChunkSums {
public:
    ChunkPlan plan(const ChunkPlan& own) const override { return own; }
    std::vector<double> total(const PerChunk<double>& partial, std::size_t width) const override {
        std::vector<double> sums(width, 0.0);
        reduce_in_chunk_order(partial, width, sums.data());
        return sums;
    }
};

/// The InProcessSums every loss of one process's records shares (it holds nothing).
inline const ChunkSums& in_process_sums() {
    static const InProcessSums sums;
    return sums;
}

/// One logistic problem: records, a target per row and a weight per row. `Binary` problems
/// have targets 0 or 1 and one coefficient row; `Multinomial` ones a class index per row and a
/// coefficient row per class. The parameter vector holds the coefficient rows one after the
/// other (rows x features), then, with an intercept, one per row. `sums` says where the chunks
/// are (by default: all here).
template <class Data>
class LogisticLoss {
    using F = scalar_of<Data>;
    using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

public:
    /// `targets`: one per row. A row's weight is its sample weight in `data` times
    /// `group_weights[groups[i]]` (class weights: the groups are the rows' classes, or for
    /// balanced binary problems their targets); `penalty` = 1 / C.
    LogisticLoss(const Data& data, std::span<const std::int32_t> targets, std::span<const std::int32_t> groups,
                 std::vector<double> group_weights, Layout layout, Eigen::Index rows, bool fit_intercept, double penalty,
                 const ChunkSums& sums = in_process_sums())
        : data_(data), targets_(targets), groups_(groups), group_weights_(std::move(group_weights)), layout_(layout),
          rows_(rows), d_(Eigen::Index(data.n_features())), fit_intercept_(fit_intercept), penalty_(penalty),
          sums_(sums) {}

    /// Length of the parameter vector.
    Eigen::Index n_parameters() const { return rows_ * d_ + (fit_intercept_ ? rows_ : 0); }

    /// The objective at `w`; writes its gradient into `gradient`.
    double operator()(const Eigen::VectorXd& w, Eigen::VectorXd& gradient) const {
        const Scorer<F> scorer = scorer_of(w);
        // per chunk: the loss, the coefficient gradient (rows x features), the intercepts'
        const std::size_t width = 1 + std::size_t(rows_ * d_ + rows_);
        const ChunkPlan plan = sums_.plan(chunk_plan(width));
        PerChunk<double> partial(plan.n_chunks, width);
        for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            add_chunk(scorer, Eigen::Index(begin), Eigen::Index(end), partial[chunk]);
        });
        const std::vector<double> sums = sums_.total(partial, width);
        const Eigen::Map<const Eigen::VectorXd> total(sums.data(), Eigen::Index(width));
        const auto coef = w.head(rows_ * d_);
        gradient.resize(n_parameters());
        gradient.head(rows_ * d_) = total.segment(1, rows_ * d_) + penalty_ * coef;
        if (fit_intercept_) gradient.tail(rows_) = total.tail(rows_);
        return total[0] + 0.5 * penalty_ * coef.squaredNorm();
    }

    /// The parameter vector as a Scorer (coefficient rows in F).
    Scorer<F> scorer_of(const Eigen::VectorXd& w) const {
        Scorer<F> s;
        s.coef = Eigen::Map<const RowMajorD>(w.data(), rows_, d_)
                     .template cast<F>();
        s.intercept = fit_intercept_ ? Eigen::ArrayXd(w.tail(rows_)) : Eigen::ArrayXd::Zero(rows_);
        return s;
    }

private:
    static constexpr bool sparse = !std::is_same_v<Data, DatasetView<F>>;

    /// Dense records: the usual chunks. Sparse ones: few enough that the per-chunk sums of
    /// `width` doubles stay within about 64 MiB (wide vocabularies, many classes).
    ChunkPlan chunk_plan(std::size_t width) const {
        if constexpr (!sparse) return plan_chunks(data_.n_samples());
        const std::size_t max_chunks = std::clamp<std::size_t>((std::size_t(64) << 20) / (width * sizeof(double)), 2, 64);
        return plan_chunks(data_.n_samples(), 4096, max_chunks);
    }

    /// coef += residual x the records of the block (rows x features); `residual_f` is the
    /// dense path's scratch, kept by the caller across blocks.
    void add_gradient(const Block& residual, Eigen::Index start, Eigen::Index rows, Eigen::Map<RowMajorD>& coef,
                      Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic>& residual_f) const {
        const auto& x = data_.records();
        if constexpr (sparse) {
            for (Eigen::Index r = 0; r < rows; ++r) {
                const auto row = x.row(std::size_t(start + r));
                for (std::size_t e = 0; e < row.indices.size(); ++e) {
                    coef.col(Eigen::Index(row.indices[e])) += double(row.values[e]) * residual.col(r).matrix();
                }
            }
        } else {
            residual_f = residual.matrix().template cast<F>();
            Slab<F> slab;
            for (Eigen::Index c = 0; c < rows_; c += slab_rows) {
                const Eigen::Index count = std::min(slab_rows, rows_ - c);
                slab.noalias() = residual_f.middleRows(c, count) * x.middleRows(start, rows);
                coef.middleRows(c, count) += slab.template cast<double>();
            }
        }
    }

    /// Adds the loss and gradient of rows [begin, end) to `sums` (loss, coefficients, intercepts).
    void add_chunk(const Scorer<F>& scorer, Eigen::Index begin, Eigen::Index end, double* sums) const {
        Eigen::Map<RowMajorD> coef(sums + 1, rows_, d_);
        Eigen::Map<Eigen::VectorXd> intercept(sums + 1 + rows_ * d_, rows_);
        Block z, residual;
        BlockRow weight;
        Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> residual_f;
        for (Eigen::Index start = begin; start < end; start += block_rows) {
            const Eigen::Index rows = std::min(block_rows, end - start);
            scorer.score(data_.records(), start, rows, z);
            weights_of(start, rows, weight);
            sums[0] += layout_ == Layout::Binary ? binary_residuals(start, z, weight, residual)
                                                 : multinomial_residuals(start, z, weight, residual);
            intercept += residual.rowwise().sum().matrix();
            add_gradient(residual, start, rows, coef, residual_f);
        }
    }

    /// The weight of each record of a block: sample weight times its group's weight.
    void weights_of(Eigen::Index start, Eigen::Index rows, BlockRow& weight) const {
        weight.resize(rows);
        for (Eigen::Index r = 0; r < rows; ++r) {
            const auto i = std::size_t(start + r);
            weight[r] = double(data_.weight(i)) * group_weights_[std::size_t(groups_[i])];
        }
    }

    /// Binary targets: the weighted loss log(1 + e^s) - y s of the block; `residual` =
    /// weight x (sigmoid(s) - y), its derivative in s.
    double binary_residuals(Eigen::Index start, const Block& z, const BlockRow& weight, Block& residual) const {
        BlockRow y(z.cols());
        for (Eigen::Index r = 0; r < z.cols(); ++r) y[r] = targets_[std::size_t(start + r)];
        const BlockRow s = z.row(0);
        residual = weight * (sigmoid(s) - y);
        return (weight * (log1p_exp(s) - y * s)).sum();
    }

    /// Class targets: the weighted loss log(sum_j e^{z_j}) - z_y of the block; `residual` =
    /// weight x (softmax(z) - one-hot(y)), its derivative in z.
    double multinomial_residuals(Eigen::Index start, const Block& z, const BlockRow& weight, Block& residual) const {
        BlockRow top, sum;
        exp_shifted(z, residual, top, sum);
        const BlockRow scale = weight / sum;
        residual.rowwise() *= scale;
        const BlockRow lse = top + sum.log();
        double loss = 0;
        for (Eigen::Index r = 0; r < z.cols(); ++r) {
            const auto target = Eigen::Index(targets_[std::size_t(start + r)]);
            residual(target, r) -= weight[r];
            loss += weight[r] * (lse[r] - z(target, r));
        }
        return loss;
    }

    Data data_;
    std::span<const std::int32_t> targets_, groups_;
    std::vector<double> group_weights_;
    Layout layout_;
    Eigen::Index rows_, d_;
    bool fit_intercept_;
    double penalty_;
    const ChunkSums& sums_;
};

}  // namespace linfa::linear::logistic_detail
