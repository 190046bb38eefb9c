// NeighbourIndex: brute force, the KD-tree and the ball tree against a naive reference (every
// distance, sorted by (distance, row)) on random data with duplicate points, for every metric,
// k = n, radius 0, the GEMM filter at large d and far from the origin, every bad input, and
// the same answer on 1 and 3 threads; radius_graph against radius_neighbors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <linfa/nn/index.hpp>

#include "support.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using linfa::Matrix;
using linfa::MatrixView;
using namespace linfa::nn;

namespace {

constexpr IndexAlgorithm all_algorithms[] = {IndexAlgorithm::brute, IndexAlgorithm::kd_tree, IndexAlgorithm::ball_tree};

/// n x d values on a coarse grid (many exact ties), with every fifth row a copy of another.
template <class F>
Matrix<F> grid_points(std::size_t n, std::size_t d, unsigned seed, double offset = 0) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> cell(0, 6);
    Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t f = 0; f < d; ++f) x(Eigen::Index(i), Eigen::Index(f)) = F(offset + cell(gen) * 0.5);
    for (std::size_t i = 5; i < n; i += 5) x.row(Eigen::Index(i)) = x.row(Eigen::Index(gen() % i));
    return x;
}

template <class F>
Matrix<F> normal_points(std::size_t n, std::size_t d, unsigned seed, double offset = 0) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal;
    Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = F(offset + normal(gen));
    return x;
}

template <class F>
MatrixView<F> view(const Matrix<F>& m) {
    return MatrixView<F>(m.data(), m.rows(), m.cols());
}

/// Every distance from `q` by the metric's own function, sorted by (distance, row).
template <class F>
std::vector<index_detail::Candidate<F>> ranked(const Matrix<F>& points, const F* q, const Metric& metric) {
    std::vector<index_detail::Candidate<F>> all;
    const Metric m = metric.normalized();
    for (Eigen::Index j = 0; j < points.rows(); ++j)
        all.push_back({m.distance(q, points.data() + j * points.cols(), std::size_t(points.cols())), std::int64_t(j)});
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return index_detail::before(a, b); });
    return all;
}

/// An independent textbook distance, for the metric's values themselves.
double textbook(const double* a, const double* b, std::size_t d, const Metric& m) {
    double s = 0;
    for (std::size_t f = 0; f < d; ++f) {
        const double t = std::abs(a[f] - b[f]);
        switch (m.kind) {
            case MetricKind::euclidean: s += t * t; break;
            case MetricKind::manhattan: s += t; break;
            case MetricKind::chebyshev: s = std::max(s, t); break;
            default: s += std::pow(t, m.p);
        }
    }
    return m.kind == MetricKind::euclidean ? std::sqrt(s) : m.kind == MetricKind::minkowski ? std::pow(s, 1 / m.p) : s;
}

template <class F>
void check_against_reference(const Matrix<F>& points, const Matrix<F>& queries, const Metric& metric, std::size_t k,
                             F radius, std::size_t leaf_size = 4) {
    for (IndexAlgorithm algorithm : all_algorithms) {
        CAPTURE(int(algorithm));
        NeighbourIndex<F> index(points, {algorithm, leaf_size, metric});
        const auto knn = index.kneighbors(view(queries), k);
        const auto within = index.radius_neighbors(view(queries), radius);
        REQUIRE(within.offsets.size() == std::size_t(queries.rows()) + 1);
        for (Eigen::Index q = 0; q < queries.rows(); ++q) {
            const auto all = ranked(points, queries.data() + q * queries.cols(), metric);
            for (std::size_t j = 0; j < k; ++j) {
                CHECK(knn.indices(q, Eigen::Index(j)) == all[j].index);
                CHECK(knn.distances(q, Eigen::Index(j)) == all[j].distance);
            }
            std::vector<std::int64_t> expected;
            for (const auto& c : all)
                if (c.distance <= radius) expected.push_back(c.index);
            std::sort(expected.begin(), expected.end());
            const std::vector<std::int64_t> got(within.indices.begin() + std::ptrdiff_t(within.offsets[std::size_t(q)]),
                                                within.indices.begin() + std::ptrdiff_t(within.offsets[std::size_t(q) + 1]));
            CHECK(got == expected);
            for (std::size_t e = within.offsets[std::size_t(q)]; e < within.offsets[std::size_t(q) + 1]; ++e)
                CHECK(within.distances[e] ==
                      Metric(metric).normalized().distance(queries.data() + q * queries.cols(),
                                                          points.data() + within.indices[e] * points.cols(),
                                                          std::size_t(points.cols())));
        }
    }
}

const Metric all_metrics[] = {Metric{}, Metric::parse("manhattan"), Metric::parse("chebyshev"), Metric::parse("minkowski", 3),
                              Metric::parse("minkowski", 1.5), Metric::parse("minkowski", 2), Metric::parse("minkowski", 1)};

}  // namespace

TEST_CASE("metric values match the textbook formulas") {
    const double a[] = {1, -2, 3.5}, b[] = {0.5, 4, -1};
    for (const Metric& m : all_metrics) {
        CAPTURE(m.name());
        CHECK(m.normalized().distance(a, b, 3) == doctest::Approx(textbook(a, b, 3, m)).epsilon(1e-14));
    }
    CHECK(Metric::parse("l2").kind == MetricKind::euclidean);
    CHECK(Metric::parse("cityblock").kind == MetricKind::manhattan);
    CHECK(Metric::parse("l1").name() == "manhattan");
    CHECK(Metric::parse("infinity").name() == "chebyshev");
    CHECK(Metric::parse("minkowski", 3).name() == "minkowski");
}

TEST_CASE("the three algorithms agree with the reference on ties and duplicates, every metric") {
    const auto points = grid_points<double>(120, 3, 1);
    const auto queries = grid_points<double>(25, 3, 2);
    for (const Metric& m : all_metrics) {
        CAPTURE(m.name());
        CAPTURE(m.p);
        check_against_reference(points, queries, m, 7, 1.0);
        check_against_reference(points, points.topRows(10).eval(), m, 1, 0.0);  // radius 0: the duplicates
    }
}

TEST_CASE("continuous data, float and double, several leaf sizes, k = n") {
    const auto points = normal_points<double>(200, 5, 3);
    const auto queries = normal_points<double>(30, 5, 4);
    check_against_reference(points, queries, Metric{}, 200, 1.5, 1);
    check_against_reference(points, queries, Metric::parse("manhattan"), 10, 3.0, 30);
    const Matrix<float> pf = points.cast<float>(), qf = queries.cast<float>();
    check_against_reference(pf, qf, Metric{}, 12, 1.5f, 7);
    check_against_reference(pf, qf, Metric::parse("chebyshev"), 12, 1.0f, 7);
    const auto one = normal_points<double>(1, 2, 5);
    check_against_reference(one, queries.leftCols(2).eval(), Metric{}, 1, 0.5);
}

TEST_CASE("brute force's GEMM filter at d = 40, far from the origin, with ties") {
    for (double offset : {0.0, 1e6}) {
        CAPTURE(offset);
        const auto points = grid_points<double>(300, 40, 6, offset);
        const auto queries = grid_points<double>(20, 40, 7, offset);
        check_against_reference(points, queries, Metric{}, 9, 2.5);
        const Matrix<float> pf = normal_points<float>(700, 64, 8, offset), qf = normal_points<float>(40, 64, 9, offset);
        check_against_reference(pf, qf, Metric{}, 10, 11.0f);
        check_against_reference(pf, pf.topRows(5).eval(), Metric{}, 3, 0.0f);
    }
    NeighbourIndex<double> index(normal_points<double>(50, 20, 1), {});
    CHECK(index.algorithm() == IndexAlgorithm::brute);
}

TEST_CASE("huge values: distances overflow to infinity consistently") {
    Matrix<double> points(4, 2);
    points << 1e300, 0, -1e300, 0, 0, 0, 1, 1;
    Matrix<double> q(1, 2);
    q << 1e300, 1e-300;
    check_against_reference(points, q, Metric{}, 4, 1e300);
}

TEST_CASE("automatic chooses as scikit-learn") {
    const auto small = normal_points<double>(100, 3, 1);
    CHECK(NeighbourIndex<double>(small, {}).algorithm() == IndexAlgorithm::kd_tree);
    CHECK(NeighbourIndex<double>(small, {IndexAlgorithm::automatic, 30, Metric{}, 50}).algorithm() == IndexAlgorithm::brute);
    CHECK(NeighbourIndex<double>(small, {IndexAlgorithm::automatic, 30, Metric{}, 49}).algorithm() == IndexAlgorithm::kd_tree);
    CHECK(NeighbourIndex<double>(normal_points<double>(100, 16, 1), {}).algorithm() == IndexAlgorithm::brute);
    CHECK(NeighbourIndex<double>(normal_points<double>(100, 15, 1), {}).algorithm() == IndexAlgorithm::kd_tree);
}

TEST_CASE("bad input and parameters are refused with a clear message") {
    using linfa::InvalidInput;
    using linfa::InvalidParams;
    test::check_throws<InvalidParams>([] { Metric::parse("cosine"); }, "found \"cosine\"");
    test::check_throws<InvalidParams>([] { Metric::parse("cosine"); }, "euclidean, l2, manhattan");
    test::check_throws<InvalidParams>([] { Metric::parse("minkowski", 0.5); }, "p >= 1");
    test::check_throws<InvalidParams>([] { Metric::parse("minkowski", INFINITY); }, "finite p");
    test::check_throws<InvalidParams>([] { parse_algorithm("octree"); }, "found \"octree\"");
    const auto points = normal_points<double>(10, 3, 1);
    test::check_throws<InvalidParams>([&] { NeighbourIndex<double>(points, {IndexAlgorithm::kd_tree, 0}); }, "leaf_size");
    test::check_throws<InvalidParams>(
        [&] { NeighbourIndex<double>(points, {IndexAlgorithm::kd_tree, 3, Metric{MetricKind::minkowski, 0.5}}); }, "p >= 1");
    test::check_throws<InvalidInput>([] { NeighbourIndex<double>(Matrix<double>(0, 3), {}); }, "at least one point");
    test::check_throws<InvalidInput>([] { NeighbourIndex<double>(Matrix<double>(3, 0), {}); }, "zero features");
    auto bad = points;
    bad(2, 1) = NAN;
    test::check_throws<InvalidInput>([&] { NeighbourIndex<double>(bad, {}); }, "points contain NaN or infinity (row 2");
    bad(2, 1) = INFINITY;
    test::check_throws<InvalidInput>([&] { NeighbourIndex<double>(bad, {}); }, "NaN or infinity");
    for (IndexAlgorithm algorithm : all_algorithms) {
        NeighbourIndex<double> index(points, {algorithm, 2});
        test::check_throws<InvalidInput>([&] { index.kneighbors(view(points), 0); }, "k must be between 1 and");
        test::check_throws<InvalidInput>([&] { index.kneighbors(view(points), 11); }, "(10); found 11");
        const Matrix<double> wide = normal_points<double>(2, 4, 1);
        test::check_throws<InvalidInput>([&] { index.kneighbors(view(wide), 1); }, "must have 3 features");
        test::check_throws<InvalidInput>([&] { index.radius_neighbors(view(wide), 1.0); }, "found 4");
        Matrix<double> nan_query = points.topRows(2);
        nan_query(1, 0) = NAN;
        test::check_throws<InvalidInput>([&] { index.kneighbors(view(nan_query), 1); }, "queries contain NaN");
        test::check_throws<InvalidInput>([&] { index.radius_neighbors(view(nan_query), 1.0); }, "queries contain NaN");
        test::check_throws<InvalidInput>([&] { index.radius_neighbors(view(points), -1.0); }, "non-negative");
        test::check_throws<InvalidInput>([&] { index.radius_neighbors(view(points), NAN); }, "non-negative");
        const Matrix<double> none(0, 3);
        CHECK(index.kneighbors(view(none), 3).indices.rows() == 0);
        CHECK(index.radius_neighbors(view(none), 1.0).offsets == std::vector<std::size_t>{0});
    }
}

/// Each indexed point's neighbours by radius_graph, sorted: they must be radius_neighbors's.
template <class F>
void check_graph(const Matrix<F>& points, const Metric& metric, F radius, std::size_t leaf_size) {
    for (IndexAlgorithm algorithm : all_algorithms) {
        CAPTURE(int(algorithm));
        NeighbourIndex<F> index(points, {algorithm, leaf_size, metric});
        const RadiusGraph graph = index.radius_graph(radius);
        const auto expected = index.radius_neighbors(view(points), radius);
        REQUIRE(graph.offsets == expected.offsets);
        std::vector<std::int64_t> got = graph.indices;
        for (std::size_t i = 0; i < index.size(); ++i)
            std::sort(got.begin() + std::ptrdiff_t(graph.offsets[i]), got.begin() + std::ptrdiff_t(graph.offsets[i + 1]));
        CHECK(got == expected.indices);
    }
}

TEST_CASE("radius_graph finds what radius_neighbors finds, whole nodes included, every metric") {
    for (const Metric& metric : all_metrics) {
        CAPTURE(metric.name());
        CAPTURE(metric.p);
        for (double radius : {0.0, 0.5, 1.0, 1.5, 4.0}) {  // grid steps: many points exactly at the radius
            CAPTURE(radius);
            check_graph(grid_points<double>(400, 3, 21), metric, radius, 4);
            check_graph(grid_points<float>(300, 2, 22), metric, float(radius), 1);
        }
        check_graph(normal_points<double>(500, 2, 23, 1e6), metric, 0.7, 8);  // far from the origin
        check_graph(normal_points<float>(500, 4, 24), metric, 1.2f, 8);
    }
    NeighbourIndex<double> index(normal_points<double>(20, 2, 25), {});
    test::check_throws<linfa::InvalidInput>([&] { index.radius_graph(-1.0); }, "non-negative");
    test::check_throws<linfa::InvalidInput>([&] { index.radius_graph(NAN); }, "non-negative");
}

TEST_CASE("copies share the index and answer the same") {
    const auto points = normal_points<double>(50, 2, 1);
    NeighbourIndex<double> index(points, {IndexAlgorithm::ball_tree, 5});
    const NeighbourIndex<double> copy = index;
    CHECK(copy.kneighbors(view(points), 3).indices == index.kneighbors(view(points), 3).indices);
    CHECK(copy.points() == points);
    CHECK(copy.options().leaf_size == 5);
    CHECK(copy.size() == 50);
    CHECK(copy.n_features() == 2);
}

TEST_CASE("the same answer on 1 and 3 threads, every algorithm, many chunks") {
#ifdef _OPENMP
    const auto points = grid_points<double>(3000, 3, 11);
    const auto queries = grid_points<double>(2000, 3, 12);
    const int threads = omp_get_max_threads();
    for (IndexAlgorithm algorithm : all_algorithms) {
        NeighbourIndex<double> index(points, {algorithm, 16});
        omp_set_num_threads(1);
        const auto a = index.kneighbors(view(queries), 6);
        const auto ra = index.radius_neighbors(view(queries), 0.75);
        const auto ga = index.radius_graph(0.75);
        omp_set_num_threads(3);
        const auto b = index.kneighbors(view(queries), 6);
        const auto rb = index.radius_neighbors(view(queries), 0.75);
        const auto gb = index.radius_graph(0.75);
        omp_set_num_threads(threads);
        CHECK(ga.offsets == gb.offsets);
        CHECK(ga.indices == gb.indices);
        CHECK(a.indices == b.indices);
        CHECK(a.distances == b.distances);
        CHECK(ra.offsets == rb.offsets);
        CHECK(ra.indices == rb.indices);
        CHECK(ra.distances == rb.distances);
    }
#endif
}

TEST_CASE("degenerate data: equal points, sorted rows, a few distinct among duplicates (large trees)") {
    const std::size_t n = 70000;  // past the sampled split and the parallel build
    Matrix<double> equal = Matrix<double>::Zero(Eigen::Index(n), 2);
    Matrix<double> sorted(Eigen::Index(n), 1);
    for (std::size_t i = 0; i < n; ++i) sorted(Eigen::Index(i), 0) = double(i / 3);
    Matrix<double> mostly = Matrix<double>::Zero(Eigen::Index(n), 2);
    for (std::size_t i = 0; i < n; i += 97) mostly(Eigen::Index(i), 0) = double(i % 7), mostly(Eigen::Index(i), 1) = -1;
    for (const Matrix<double>* points : {&equal, &sorted, &mostly}) {
        const Matrix<double> queries = points->topRows(50);
        NeighbourIndex<double> brute(*points, {IndexAlgorithm::brute, 30});
        const auto expected = brute.kneighbors(view(queries), 4);
        const auto expected_radius = brute.radius_neighbors(view(queries), 1.0);
        for (IndexAlgorithm algorithm : {IndexAlgorithm::kd_tree, IndexAlgorithm::ball_tree}) {
            NeighbourIndex<double> tree(*points, {algorithm, 8});
            const auto got = tree.kneighbors(view(queries), 4);
            CHECK(got.indices == expected.indices);
            CHECK(got.distances == expected.distances);
            if (points != &equal) CHECK(tree.radius_neighbors(view(queries), 1.0).indices == expected_radius.indices);
        }
    }
}
