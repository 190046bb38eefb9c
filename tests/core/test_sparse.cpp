// CSR matrices: views over caller buffers (32- and 64-bit indices, float and double), the
// owning type, dense round trips, row norms and sparse-dense products, and a clear refusal of
// every malformed input.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <linfa/core/sparse.hpp>

#include "error_message.hpp"

using linfa::CsrMatrix;
using linfa::CsrView;
using linfa::Matrix;

namespace {

template <class F>
Matrix<F> example_dense() {
    Matrix<F> m(3, 5);
    m << 0, 1.5, 0, 0, -2,  //
        0, 0, 0, 0, 0,      //
        3, 0, 0.25, 0, 0;
    return m;
}

/// The message of the InvalidInput that `make` throws.
template <class Make>
std::string refusal(Make make) {
    return test::message_of<linfa::InvalidInput>(make);
}

}  // namespace

TEST_CASE_TEMPLATE("CSR round trip: dense -> CSR -> dense, norms and products", F, float, double) {
    const Matrix<F> dense = example_dense<F>();
    const auto sparse = CsrMatrix<F>::from_dense(dense);
    CHECK(sparse.rows() == 3);
    CHECK(sparse.cols() == 5);
    CHECK(sparse.nnz() == 4);
    const CsrView<F> view = sparse.view();
    CHECK(view.row(1).indices.empty());
    CHECK(to_dense(view) == dense);
    const std::vector<double> norms = row_squared_norms(view);
    for (Eigen::Index i = 0; i < dense.rows(); ++i) CHECK(norms[std::size_t(i)] == doctest::Approx(double(dense.row(i).squaredNorm())));
    const std::vector<F> centre{1, 2, 3, 4, 5};
    for (std::size_t i = 0; i < 3; ++i) {
        double expected = 0;
        for (Eigen::Index j = 0; j < 5; ++j) expected += double(dense(Eigen::Index(i), j)) * double(centre[std::size_t(j)]);
        CHECK(linfa::dot(view.row(i), centre.data()) == doctest::Approx(expected));
    }
}

TEST_CASE("CSR views take caller buffers as they are: 64-bit indices, unsorted columns, explicit zeros") {
    const std::vector<std::int64_t> indptr{0, 3, 3, 4};
    const std::vector<std::int64_t> indices{4, 0, 2, 1};  // row 0 unsorted; column 0 an explicit zero
    const std::vector<double> data{7, 0, -1, 2};
    const CsrView<double, std::int64_t> view(3, 5, indptr, indices, data);
    CHECK(view.nnz() == 4);  // the explicit zero is kept
    CHECK(view.indices().data() == indices.data());  // no copy
    Matrix<double> expected = Matrix<double>::Zero(3, 5);
    expected(0, 4) = 7;
    expected(0, 2) = -1;
    expected(2, 1) = 2;
    CHECK(to_dense(view) == expected);
    CHECK(row_squared_norms(view) == std::vector<double>{50, 0, 4});
}

TEST_CASE("malformed CSR input is refused with what is wrong and where") {
    using V = std::vector<std::int32_t>;
    struct Case {
        const char* what;
        std::size_t rows, cols;
        V indptr, indices;
        std::vector<float> data;
        const char* message;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    for (const Case& c : std::vector<Case>{
             {"indptr too short", 3, 4, {0, 1, 2}, {0, 1}, {1, 1}, "CSR indptr has 3 entries; a matrix of 3 rows needs 4"},
             {"lengths differ", 1, 4, {0, 2}, {0, 1}, {1}, "CSR indices and data differ in length: 2 indices, 1 values"},
             {"indptr not from 0", 1, 4, {1, 2}, {0, 1}, {1, 1}, "CSR indptr must start at 0, found 1"},
             {"decreasing indptr", 2, 4, {0, 2, 1}, {0, 1}, {1, 1}, "CSR indptr decreases at row 1 (2 then 1)"},
             {"indptr short of the data", 1, 4, {0, 1}, {0, 1}, {1, 1}, "CSR indptr ends at 1 but there are 2 stored values"},
             {"index past the columns", 2, 4, {0, 1, 2}, {0, 4}, {1, 1}, "CSR column index 4 out of range [0, 4) in row 1"},
             {"negative index", 1, 4, {0, 1}, {-1}, {1}, "CSR column index -1 out of range [0, 4) in row 0"},
             {"NaN", 2, 4, {0, 1, 2}, {0, 3}, {1, nan}, "CSR data contain NaN or infinity (row 1, column 3)"},
             {"infinity", 1, 4, {0, 1}, {2}, {inf}, "CSR data contain NaN or infinity (row 0, column 2)"},
             {"duplicate column", 1, 4, {0, 3}, {3, 1, 3}, {1, 1, 1}, "CSR column 3 appears twice in row 0"},
         }) {
        CAPTURE(c.what);
        const std::string message = refusal([&] { CsrView<float>(c.rows, c.cols, c.indptr, c.indices, c.data); });
        CHECK(message.find(c.message) != std::string::npos);
        // The owning type checks the same way.
        CHECK(refusal([&] { CsrMatrix<float>(c.rows, c.cols, c.indptr, c.indices, c.data); }) == message);
    }
    Matrix<float> dense = example_dense<float>();
    dense(2, 4) = std::numeric_limits<float>::quiet_NaN();
    CHECK(refusal([&] { (void)CsrMatrix<float>::from_dense(dense); }) == "CSR data contain NaN or infinity (row 2, column 4)");
}

TEST_CASE("an empty CSR matrix is valid") {
    const std::vector<std::int32_t> indptr{0, 0, 0};
    const CsrView<double> view(2, 3, indptr, {}, {});
    CHECK(view.nnz() == 0);
    CHECK(to_dense(view) == Matrix<double>::Zero(2, 3));
    CHECK(CsrMatrix<double>::from_dense(Matrix<double>::Zero(0, 3)).rows() == 0);
}
