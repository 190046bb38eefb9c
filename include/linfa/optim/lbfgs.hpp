// Limited-memory BFGS for smooth unconstrained problems (the logistic loss and its kin), with
// the stopping rules of SciPy's L-BFGS-B, which scikit-learn's "lbfgs" solvers call: stop when
// the largest gradient component is at most `gradient_tolerance`, or when one iteration lowers
// the objective by at most `relative_decrease` of its size. Steps satisfy the strong Wolfe
// conditions (Nocedal & Wright, algorithms 3.5 and 3.6, with cubic interpolation); the
// constants are L-BFGS-B's. Written here rather than taken from Debian's liblbfgs because that
// library's stopping tests differ from SciPy's, and matching scikit-learn's iterations is what
// lets fits be compared objective for objective.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <vector>

#include <Eigen/Core>

namespace linfa::optim {

/// When L-BFGS stops, and its memory.
struct LbfgsOptions {
    std::size_t max_iterations = 100;     ///< iterations (each one line search)
    double gradient_tolerance = 1e-4;     ///< stop when max |g_i| <= this (SciPy's `gtol`)
    double relative_decrease = 2.220446049250313e-09;  ///< SciPy's default `ftol`
    std::size_t memory = 10;              ///< correction pairs kept (SciPy's `maxcor`)
    std::size_t max_line_search = 20;     ///< evaluations per line search (SciPy's `maxls`)
};

/// Where L-BFGS ended.
struct LbfgsResult {
    Eigen::VectorXd x;           ///< the last accepted point
    double value = 0;            ///< the objective there
    std::size_t iterations = 0;  ///< iterations made
    std::size_t evaluations = 0; ///< objective evaluations made
    bool converged = false;      ///< a stopping rule held (false: out of iterations, or stuck)
};

namespace lbfgs_detail {

/// A point on the search line: its step, value, directional derivative and gradient.
struct Probe {
    double step = 0, value = 0, slope = 0;
    Eigen::VectorXd gradient;
};

/// The minimiser of the cubic through two probes, kept inside [lo + 10%, hi - 10%] of the
/// interval (bisection when the cubic has no usable minimum).
inline double cubic_step(const Probe& a, const Probe& b) {
    const double lo = std::min(a.step, b.step), hi = std::max(a.step, b.step);
    const double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step);
    const double disc = d1 * d1 - a.slope * b.slope;
    double step = 0.5 * (lo + hi);
    if (disc >= 0) {
        const double d2 = std::copysign(std::sqrt(disc), b.step - a.step);
        const double denominator = b.slope - a.slope + 2 * d2;
        if (denominator != 0) step = b.step - (b.step - a.step) * (b.slope + d2 - d1) / denominator;
    }
    const double margin = 0.1 * (hi - lo);
    if (!std::isfinite(step) || step < lo + margin || step > hi - margin) step = 0.5 * (lo + hi);
    return step;
}

/// Strong Wolfe line search from `x` along `direction`; `start` is the first step tried. On
/// success fills `found` and returns true.
template <class Objective>
bool line_search(Objective& objective, const Eigen::VectorXd& x, double value, const Eigen::VectorXd& gradient,
                 const Eigen::VectorXd& direction, double start, const LbfgsOptions& options, std::size_t& evaluations,
                 Probe& found) {
    constexpr double sufficient = 1e-3, curvature = 0.9;  // L-BFGS-B's ftol and gtol of its line search
    const Probe origin{0.0, value, gradient.dot(direction), {}};
    Eigen::VectorXd point(x.size());
    auto probe_at = [&](double step) {
        Probe p;
        p.step = step;
        point = x + step * direction;
        p.gradient.resize(x.size());
        p.value = objective(point, p.gradient);
        p.slope = p.gradient.dot(direction);
        ++evaluations;
        return p;
    };
    auto acceptable = [&](const Probe& p) { return std::abs(p.slope) <= -curvature * origin.slope; };
    // no sufficient decrease, or not below `reference` (the origin: implied by the first)
    auto too_high = [&](const Probe& p, const Probe& reference) {
        return !std::isfinite(p.value) || p.value > origin.value + sufficient * p.step * origin.slope ||
               p.value >= reference.value;
    };
    // Zoom: `lo` satisfies sufficient decrease, the minimum lies between lo and hi.
    auto zoom = [&](Probe lo, Probe hi, std::size_t left) {
        for (; left > 0; --left) {
            Probe p = probe_at(cubic_step(lo, hi));
            if (too_high(p, lo)) {
                hi = std::move(p);
            } else {
                if (acceptable(p)) return found = std::move(p), true;
                if (p.slope * (hi.step - lo.step) >= 0) hi = lo;
                lo = std::move(p);
            }
        }
        // out of evaluations: keep the lowest point found if it lowers the objective
        if (lo.step > 0 && lo.value < origin.value) return found = std::move(lo), true;
        return false;
    };
    Probe previous = origin;
    double step = start;
    for (std::size_t left = options.max_line_search; left > 0; --left) {
        Probe p = probe_at(step);
        if (too_high(p, previous)) return zoom(previous, std::move(p), left - 1);
        if (acceptable(p)) return found = std::move(p), true;
        if (p.slope >= 0) return zoom(std::move(p), previous, left - 1);
        previous = std::move(p);
        step *= 4;  // still descending steeply: extrapolate
    }
    if (previous.step > 0) return found = std::move(previous), true;
    return false;
}

}  // namespace lbfgs_detail

/// Minimises `objective` from `x0`. `objective(x, gradient)` returns f(x) and writes its
/// gradient (sized like x); it must be deterministic, so that the path, and the result, are.
template <class Objective>
LbfgsResult minimize_lbfgs(Objective&& objective, Eigen::VectorXd x0, const LbfgsOptions& options) {
    using Eigen::VectorXd;
    LbfgsResult result;
    result.x = std::move(x0);
    VectorXd gradient(result.x.size());
    result.value = objective(result.x, gradient);
    result.evaluations = 1;
    std::deque<VectorXd> steps, changes;  // s_i = x_{i+1} - x_i and y_i = g_{i+1} - g_i
    std::deque<double> curvatures;        // 1 / (y_i . s_i)
    if (gradient.size() == 0 || gradient.lpNorm<Eigen::Infinity>() <= options.gradient_tolerance) {
        result.converged = true;
        return result;
    }
    std::vector<double> alphas;
    while (result.iterations < options.max_iterations) {
        // two-loop recursion: direction = -H gradient
        VectorXd direction = -gradient;
        alphas.assign(steps.size(), 0.0);
        for (std::size_t i = steps.size(); i-- > 0;) {
            alphas[i] = curvatures[i] * steps[i].dot(direction);
            direction -= alphas[i] * changes[i];
        }
        if (!steps.empty()) direction *= 1.0 / (curvatures.back() * changes.back().squaredNorm());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const double beta = curvatures[i] * changes[i].dot(direction);
            direction += (alphas[i] - beta) * steps[i];
        }
        const bool fresh = steps.empty();
        const double start = fresh ? 1.0 / std::max(direction.norm(), std::numeric_limits<double>::min()) : 1.0;
        lbfgs_detail::Probe next;
        if (!(gradient.dot(direction) < 0) ||
            !lbfgs_detail::line_search(objective, result.x, result.value, gradient, direction, start, options,
                                       result.evaluations, next)) {
            if (fresh) break;  // no descent even along -gradient: stuck where rounding dominates
            steps.clear(), changes.clear(), curvatures.clear();  // restart from steepest descent
            continue;
        }
        ++result.iterations;
        VectorXd step = next.step * direction, change = next.gradient - gradient;
        const double previous = result.value;
        result.x += step;
        result.value = next.value;
        gradient = std::move(next.gradient);
        const double ys = change.dot(step);
        if (ys > std::numeric_limits<double>::epsilon() * change.squaredNorm()) {
            if (steps.size() == options.memory) steps.pop_front(), changes.pop_front(), curvatures.pop_front();
            steps.push_back(std::move(step)), changes.push_back(std::move(change)), curvatures.push_back(1.0 / ys);
        }
        const double scale = std::max({std::abs(previous), std::abs(result.value), 1.0});
        if ((previous - result.value) <= options.relative_decrease * scale ||
            gradient.lpNorm<Eigen::Infinity>() <= options.gradient_tolerance) {
            result.converged = true;
            break;
        }
    }
    return result;
}

}  // namespace linfa::optim
