// SPDX-License-Identifier: MIT
#include "cli/cam_options.h"

#include "errors.h"

namespace cxr::cli {

CamMethod CamArgs::camMethod() const {
    const auto parsed = parseCamMethod(method);
    if (!parsed)
        throw Error("unknown method \"" + method + "\" (gradcam or gradcam++)");
    return *parsed;
}

CamSmoothing CamArgs::smoothing() const {
    return {smoothFlips ? Smoothing::Flips : smooth ? Smoothing::Mirror : Smoothing::None, shifts};
}

std::string CamArgs::smoothingText() const {
    const CamSmoothing s = smoothing();
    std::string text = s.flips == Smoothing::None ? "" : smoothingName(s.flips);
    if (s.shifts > 1)
        text += (text.empty() ? "" : ", ") + std::to_string(s.shifts) + "x" +
                std::to_string(s.shifts) + " shifts";
    return text;
}

void addCamOptions(CLI::App &cmd, CamArgs &args) {
    cmd.add_option("--method", args.method, "gradcam or gradcam++")->capture_default_str();
    CLI::Option *mirror =
        cmd.add_flag("--smooth", args.smooth, "Average with the mirrored image's heatmap");
    cmd.add_flag("--smooth-flips",
                 args.smoothFlips,
                 "Average over the image's left-right, up-down and both flips (cancels "
                 "evidence a model learned to place beside a lesion, on any side)")
        ->excludes(mirror);
    cmd.add_option("--shifts",
                   args.shifts,
                   "Also average over N x N copies shifted by fractions of the feature map's "
                   "32 px stride: a heatmap N times finer (N x N times the passes)")
        ->check(CLI::Range(1, CamSmoothing::kMaxShifts))
        ->capture_default_str();
}

} // namespace cxr::cli
