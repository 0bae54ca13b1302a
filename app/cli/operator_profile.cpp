// SPDX-License-Identifier: MIT
#include "cli/operator_profile.h"

#include <algorithm>
#include <map>

#include <torch/csrc/autograd/profiler_kineto.h>

namespace cxr::cli {
namespace {

namespace profiler = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

struct Span {
    std::uint64_t thread, start, end;
    std::string name;
};

} // namespace

std::vector<OperatorTime> profileOperators(const std::function<void()> &work) {
    profiler::prepareProfiler(impl::ProfilerConfig(impl::ProfilerState::KINETO),
                              {impl::ActivityType::CPU});
    profiler::enableProfiler(impl::ProfilerConfig(impl::ProfilerState::KINETO),
                             {impl::ActivityType::CPU});
    work();
    const std::unique_ptr<profiler::ProfilerResult> result = profiler::disableProfiler();

    std::vector<Span> spans;
    for (const profiler::KinetoEvent &event : result->events())
        spans.push_back({event.startThreadId(),
                         event.startUs(),
                         event.startUs() + event.durationUs(),
                         event.name()});
    // Operators nest within a thread: an operator's self time is its span
    // less the spans of the operators it called. Sorted by thread, then by
    // start, outer operators (longer) before the inner ones they open.
    std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
        if (a.thread != b.thread)
            return a.thread < b.thread;
        if (a.start != b.start)
            return a.start < b.start;
        return a.end > b.end;
    });
    std::map<std::string, OperatorTime> byName;
    struct Open {
        const Span *span;
        double self;
    };
    std::vector<Open> stack;
    auto close = [&](const Open &open) {
        OperatorTime &row = byName[open.span->name];
        row.name = open.span->name;
        row.selfMilliseconds += open.self / 1000.0;
        row.calls += 1;
    };
    for (const Span &span : spans) {
        while (!stack.empty() &&
               (stack.back().span->thread != span.thread || stack.back().span->end <= span.start)) {
            close(stack.back());
            stack.pop_back();
        }
        if (!stack.empty())
            stack.back().self -= static_cast<double>(span.end - span.start);
        stack.push_back({&span, static_cast<double>(span.end - span.start)});
    }
    for (; !stack.empty(); stack.pop_back())
        close(stack.back());

    std::vector<OperatorTime> rows;
    for (auto &[name, row] : byName)
        rows.push_back(row);
    std::sort(rows.begin(), rows.end(), [](const OperatorTime &a, const OperatorTime &b) {
        return a.selfMilliseconds > b.selfMilliseconds;
    });
    return rows;
}

} // namespace cxr::cli
