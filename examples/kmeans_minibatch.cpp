// Mini-batch K-Means over a stream: batches come from a generator one at a time and are
// dropped after their step, so no more than one batch is ever in memory. Halfway through,
// the model is saved and read back, as a long-running job would checkpoint it; the stream
// then continues from the file exactly as it would have in memory.
#include <cstdio>
#include <optional>
#include <sstream>

#include <linfa/linfa.hpp>

namespace {

/// An endless source of samples around four centres (unit-variance Gaussian noise).
class BlobStream {
public:
    explicit BlobStream(std::uint64_t seed) : rng_(seed) {
        centres_.resize(4, 2);
        centres_ << 10., 10., 1., 12., 20., 30., -20., 30.;
    }

    linfa::Matrix<double> next_batch(std::size_t size) {
        linfa::Matrix<double> batch(static_cast<Eigen::Index>(size), centres_.cols());
        for (Eigen::Index i = 0; i < batch.rows(); ++i) {
            const auto blob = static_cast<Eigen::Index>(rng_.below(std::uint64_t(centres_.rows())));
            for (Eigen::Index f = 0; f < batch.cols(); ++f) batch(i, f) = centres_(blob, f) + rng_.normal<double>();
        }
        return batch;
    }
    const linfa::Matrix<double>& centres() const { return centres_; }

private:
    linfa::Rng rng_;
    linfa::Matrix<double> centres_;
};

}  // namespace

int main() {
    using linfa::clustering::KMeans;
    const auto params = KMeans<double>::minibatch_params(4, linfa::Rng(42)).check();  // validated once

    BlobStream stream(7);
    std::optional<KMeans<double>> model;  // none yet: the first batch initialises it
    for (int step = 0; step < 100; ++step) {
        model = params.fit_with(std::move(model), stream.next_batch(512));
        if (step == 49) {  // checkpoint and resume
            std::stringstream file;
            linfa::save(*model, file);
            model = linfa::load<KMeans<double>>(file);
        }
    }

    std::printf("after %llu mini-batch steps:\n", static_cast<unsigned long long>(model->n_steps()));
    double worst = 0;
    for (Eigen::Index e = 0; e < stream.centres().rows(); ++e) {
        Eigen::Index j = 0;
        const double distance = (model->centroids().rowwise() - stream.centres().row(e)).rowwise().norm().minCoeff(&j);
        worst = std::max(worst, distance);
        std::printf("  centre (%6.2f, %6.2f) -> centroid %lld (%6.2f, %6.2f), cluster weight %.0f\n", stream.centres()(e, 0),
                    stream.centres()(e, 1), static_cast<long long>(j), model->centroids()(j, 0), model->centroids()(j, 1),
                    model->cluster_weights()[std::size_t(j)]);
    }
    const linfa::Matrix<double> fresh = stream.next_batch(10000);
    std::printf("inertia per sample on fresh data: %.3f (2 is the noise's own)\n", -model->score(fresh) / 10000);
    return worst < 0.5 ? 0 : 1;
}
