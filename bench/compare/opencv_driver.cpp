// OpenCV's cv::kmeans on the compare data, float32 only (OpenCV's k-means takes CV_32F).
// Protocol: driver_common.hpp. Threads: cv::setNumThreads(--threads).
//   fixed:     OpenCV cannot start from given centroids, only from given labels: --labels0 holds
//              the nearest given centroid of every row (written by compare.py), passed with
//              KMEANS_USE_INITIAL_LABELS and TermCriteria(COUNT, N). Its loop then computes the
//              centroids from the labels (= the first Lloyd update) and reassigns, N times in
//              all, so its final centroids are those of N Lloyd iterations from the given ones;
//              it does N updates but only N - 1 full assignments in the timed call (the first
//              one is the given labels). With COUNT alone it stops early only when every
//              centroid moves less than FLT_EPSILON.
//   converged: KMEANS_PP_CENTERS (k-means++ with 3 trials), TermCriteria(COUNT + EPS,
//              max-iter, eps) with eps^2 = tol x mean feature variance (OpenCV's test is on the
//              largest squared centroid shift, scikit-learn's on the sum, relative to the mean
//              variance). OpenCV caps max-iter at 100 and reports no iteration count.
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>

#include <cmath>

#include "driver_common.hpp"

int main(int argc, char** argv) {
    return cmp::guarded("opencv", [&] {
        const cmp::Args args(argc, argv);
        cmp::Run r;
        r.library = "opencv";
        r.variant = "kmeans";
        r.dtype = args.str("dtype");
        r.mode = args.str("mode");
        r.n = args.integer("n");
        r.d = args.integer("d");
        r.k = args.integer("k");
        if (r.dtype != "f32") throw std::runtime_error("cv::kmeans takes float32 only");
        cv::setNumThreads(static_cast<int>(args.integer("threads", 2)));
        cv::setRNGSeed(static_cast<int>(args.integer("seed", 0)));
        auto data = cmp::read_raw<float>(args.str("data"), std::size_t(r.n * r.d));
        const cv::Mat X(static_cast<int>(r.n), static_cast<int>(r.d), CV_32F, data.data());
        const long repeats = args.integer("repeats", 3);
        const double max_seconds = args.real("max-seconds", 1e9);
        const bool warmup = args.integer("warmup", 1) != 0;
        const int K = static_cast<int>(r.k);

        cv::Mat labels, centers;
        std::vector<std::int32_t> labels0;
        long iters = 0;
        double eps = 0;
        if (r.mode == "fixed") {
            labels0 = cmp::read_raw<std::int32_t>(args.str("labels0"), std::size_t(r.n));
            iters = args.integer("iters");
        } else if (r.mode == "converged") {
            iters = std::min<long>(args.integer("max-iter", 300), 100);
            double mean_var = 0;  // the tolerance's scale, as scikit-learn computes it
            for (long f = 0; f < r.d; ++f) {
                double s = 0, sq = 0;
                for (long i = 0; i < r.n; ++i) s += data[std::size_t(i * r.d + f)];
                const double mean = s / double(r.n);
                for (long i = 0; i < r.n; ++i) {
                    const double v = data[std::size_t(i * r.d + f)] - mean;
                    sq += v * v;
                }
                mean_var += sq / double(r.n) / double(r.d);
            }
            eps = std::sqrt(args.real("tol", 1e-4) * mean_var);
        } else {
            throw std::runtime_error("--mode must be fixed or converged");
        }
        double compactness = 0;
        const cv::Mat head = X.rowRange(0, static_cast<int>(cmp::warmup_rows(r.n)));
        auto fit = [&](long n_iter, const cv::Mat& on) {
            if (r.mode == "fixed") {
                compactness = cv::kmeans(on, K, labels, cv::TermCriteria(cv::TermCriteria::COUNT, int(n_iter), 0), 1,
                                         cv::KMEANS_USE_INITIAL_LABELS, centers);
            } else {
                compactness = cv::kmeans(on, K, labels, cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS,
                                                                       int(n_iter), eps),
                                         1, cv::KMEANS_PP_CENTERS, centers);
            }
        };
        auto reset_labels = [&] {
            if (r.mode == "fixed") cv::Mat(static_cast<int>(r.n), 1, CV_32S, labels0.data()).copyTo(labels);
        };
        if (warmup) {
            reset_labels();
            r.measure.run([&] { fit(2, r.mode == "fixed" ? X : head); });
        }
        while (cmp::another_repeat(r.times_ms, repeats, max_seconds)) {
            reset_labels();  // the call overwrites them
            r.times_ms.push_back(r.measure.run([&] { fit(iters, X); }));
            r.n_iter.push_back(r.mode == "fixed" ? iters : -1);  // -1: not reported by OpenCV
        }
        if (args.has("centroids-out")) {
            cv::Mat c = centers.reshape(1, K);
            cmp::write_f64(args.str("centroids-out"), c.ptr<float>(), std::size_t(r.k * r.d));
        }
        auto json = r.json();
        json.put("inertia_own", compactness);
        json.put("threads", cv::getNumThreads());
        json.put("version", CV_VERSION);
        std::string parallel = "?";
        const std::string info = cv::getBuildInformation();
        const auto at = info.find("Parallel framework:");
        if (at != std::string::npos) {
            parallel = info.substr(at + 19, info.find('\n', at) - at - 19);
            parallel.erase(0, parallel.find_first_not_of(' '));
        }
        json.put("parallel_framework", parallel);
        json.print();
    });
}
