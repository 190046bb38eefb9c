// Solvers of the centred least-squares problems of linalg/centred.hpp (d features, t targets):
//   - ordinary least squares, minimum-norm (as LAPACK's gelsd, behind scikit-learn): from the
//     Gram matrix's eigenvectors when X is well conditioned (one pass, fast), else from the
//     SVD of the TSQR factor (a second pass, accurate to rounding, rank-revealing);
//   - ridge by Cholesky of X^T X + alpha I, or by the SVD of X (scikit-learn's "svd" solver,
//     which also serves when Cholesky fails).
// Coefficients come out as a t x d matrix in double, the caller's scalar type applied last.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include "../linalg/centred.hpp"
#include "errors.hpp"

namespace linfa::linear_detail {

using linalg::Centring;
using linalg::MatrixD;
using linalg::VectorD;
using linalg::centred_r_factor;

/// Ratio of the Gram matrix's extreme eigenvalues above which the normal equations are
/// trusted: a condition number of X below 1000, so they lose at most ~1e-10 of accuracy.
inline constexpr double well_conditioned_ratio = 1e-6;

/// A least-squares solution: coefficients (t x d), the rank of X and its singular values
/// (descending; min(n, d) of them).
struct Solution {
    MatrixD coef;
    Eigen::Index rank = 0;
    VectorD singular;
};

/// Minimum-norm least squares through the SVD of the upper-triangular factor [R_x | z] of the
/// centred [X | Y]: X = Q R_x, so X^T Y's projection is z = Q^T Y. Singular values below
/// eps x max(n, d) x the largest count as zero (numpy's lstsq cutoff).
template <class Factor>  // a template, so that only the callers that use it instantiate the SVD
Solution solve_from_factor(const Factor& factor, std::size_t d, std::size_t n) {
    const auto features = Eigen::Index(d);
    const MatrixD r = factor.leftCols(features);
    const MatrixD z = factor.rightCols(factor.cols() - features);
    const Eigen::BDCSVD<MatrixD> svd(r, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const VectorD& s = svd.singularValues();
    const double cutoff = std::numeric_limits<double>::epsilon() * double(std::max<std::size_t>(n, d)) *
                          (s.size() != 0 ? s[0] : 0.0);
    Solution solution;
    VectorD inverse = VectorD::Zero(s.size());
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        if (s[i] > cutoff) inverse[i] = 1.0 / s[i], ++solution.rank;
    }
    solution.coef = (svd.matrixV() * inverse.asDiagonal() * svd.matrixU().transpose() * z).transpose();
    solution.singular = s;  // min(rows of the factor, d) = min(n, d) values
    return solution;
}

/// Ordinary least squares, minimum norm, from the centred Gram matrix of n rows when X is
/// well conditioned, else from the TSQR factor `factor()` gives (a second pass over the data).
template <class Factor>
Solution solve_least_squares(std::size_t n, std::size_t n_features, const MatrixD& gram, Factor&& factor) {
    const auto d = Eigen::Index(n_features), t = gram.cols() - d;
    const Eigen::SelfAdjointEigenSolver<MatrixD> eigen(gram.topLeftCorner(d, d));
    const VectorD& lambda = eigen.eigenvalues();  // ascending
    const double largest = lambda[d - 1];
    if (eigen.info() == Eigen::Success && largest > 0 && lambda[0] > largest * well_conditioned_ratio && n > n_features) {
        const MatrixD& v = eigen.eigenvectors();
        Solution solution;
        solution.coef = (v * lambda.cwiseInverse().asDiagonal() * v.transpose() * gram.topRightCorner(d, t)).transpose();
        solution.rank = d;
        solution.singular = lambda.reverse().cwiseSqrt();
        return solution;
    }
    return solve_from_factor(factor(), n_features, n);
}

/// solve_least_squares over the rows of `data`.
template <Float F>
Solution solve_least_squares(const DatasetView<F>& data, const Centring& centring, const MatrixD& gram) {
    return solve_least_squares(data.n_samples(), data.n_features(), gram, [&] { return centred_r_factor(data, true, centring); });
}

/// Whether a Cholesky factorisation is trustworthy: every pivot above the rounding noise of
/// the matrix (d x eps x its largest diagonal entry). Eigen only reports pivots <= 0, and a
/// singular matrix's last pivot comes out as +-eps-sized rounding, so a positive one alone
/// proves nothing (LAPACK's potrf, behind scikit-learn, fails on the negative half of them).
template <class Llt, class Square>
bool numerically_definite(const Llt& llt, const Square& a) {
    const double noise = double(a.rows()) * std::numeric_limits<double>::epsilon() * a.diagonal().maxCoeff();
    return (llt.matrixLLT().diagonal().array().square() > noise).all();
}

/// Ridge coefficients (t x d) by Cholesky of X^T X + alpha_j I for each target's alpha; nothing
/// when a matrix is not numerically positive definite (then the SVD solver is used).
template <class Gram>  // a template, so that only the callers that use it instantiate the factorisation
std::optional<MatrixD> ridge_cholesky(const Gram& gram, Eigen::Index d, const VectorD& alpha) {
    const Eigen::Index t = gram.cols() - d;
    MatrixD coef(t, d);
    for (Eigen::Index j = 0; j < t; ++j) {
        // Targets sharing an alpha could share the factorisation; alphas rarely differ.
        MatrixD a = gram.topLeftCorner(d, d);
        a.diagonal().array() += alpha[j];
        const Eigen::LLT<MatrixD> llt(a);
        if (llt.info() != Eigen::Success || !numerically_definite(llt, a)) return std::nullopt;
        const VectorD solved = llt.solve(gram.col(d + j).head(d));
        if (!solved.allFinite()) return std::nullopt;
        coef.row(j) = solved.transpose();
    }
    return coef;
}

/// Ridge coefficients (t x d) by the SVD of X (scikit-learn's "svd" solver), from the TSQR
/// factor [R_x | z] of the centred [X | Y]: with R_x = U S V^T,
/// coef_j = V diag(s / (s^2 + alpha_j)) U^T z_j, singular values below 1e-15 dropped.
inline MatrixD ridge_svd(const MatrixD& factor, Eigen::Index d, const VectorD& alpha) {
    const Eigen::BDCSVD<MatrixD> svd(factor.leftCols(d), Eigen::ComputeThinU | Eigen::ComputeThinV);
    const VectorD& s = svd.singularValues();
    const MatrixD projected = svd.matrixU().transpose() * factor.rightCols(factor.cols() - d);  // U^T Y
    MatrixD coef(projected.cols(), d);
    for (Eigen::Index j = 0; j < projected.cols(); ++j) {
        VectorD shrink = VectorD::Zero(s.size());
        for (Eigen::Index i = 0; i < s.size(); ++i) {
            if (s[i] > 1e-15) shrink[i] = s[i] / (s[i] * s[i] + alpha[j]);
        }
        coef.row(j) = (svd.matrixV() * shrink.cwiseProduct(projected.col(j))).transpose();
    }
    return coef;
}

/// ridge_svd over the rows of `data`.
template <Float F>
MatrixD ridge_svd(const DatasetView<F>& data, const Centring& centring, const VectorD& alpha) {
    return ridge_svd(centred_r_factor(data, true, centring), Eigen::Index(data.n_features()), alpha);
}

/// Coefficients or intercepts in the caller's scalar type; throws LinearInputError when they
/// do not fit in it (float data whose targets dwarf its records).
template <Float F, class Derived>
auto in_scalar(const Eigen::MatrixBase<Derived>& values) {
    auto cast = values.template cast<F>().eval();
    if (!cast.allFinite()) {
        throw linear::LinearInputError(std::string("the coefficients overflow ") + (std::is_same_v<F, float> ? "float" : "double") +
                                       "; scale the data");
    }
    return cast;
}

/// The intercepts (t) that go with centred coefficients: y_mean - coef x_mean.
inline VectorD intercepts(const MatrixD& coef, const Centring& centring) {
    return centring.y_mean - coef * centring.x_mean;  // zeros without an intercept
}

}  // namespace linfa::linear_detail
