// SPDX-License-Identifier: MIT
#include "support/model_fixture.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

namespace cxr::test {

namespace {
at::Tensor tensorFrom(const std::filesystem::path &file, std::vector<int64_t> shape) {
    std::vector<float> values = readFloats(file);
    int64_t known = 1;
    for (int64_t d : shape)
        known *= d > 0 ? d : 1;
    for (int64_t &d : shape) // one -1 takes what is left, as in reshape
        if (d < 0)
            d = static_cast<int64_t>(values.size()) / known;
    return torch::from_blob(values.data(), shape, torch::kFloat).clone();
}
} // namespace

bool makeTorchReference(const TempDir &dir,
                        const std::string &arch,
                        int classes,
                        const std::string &format,
                        TorchReference &out,
                        std::string &error,
                        int size,
                        int batch) {
    out.weights = dir / ("weights-" + format + ".pt");
    std::string output;
    const int code = runTorchReference({"reference",
                                        "--arch",
                                        arch,
                                        "--classes",
                                        std::to_string(classes),
                                        "--format",
                                        format,
                                        "--weights",
                                        out.weights.string(),
                                        "--size",
                                        std::to_string(size),
                                        "--batch",
                                        std::to_string(batch),
                                        "--out",
                                        dir.path().string()},
                                       &output);
    if (code != 0) {
        error = "torch_reference.py failed with exit code " + std::to_string(code) + ": " + output;
        return false;
    }
    out.input = tensorFrom(dir / "input.bin", {batch, 3, size, size});
    out.logitsEval = tensorFrom(dir / "logits_eval.bin", {batch, classes});
    out.pooled = tensorFrom(dir / "pooled.bin", {batch, -1});
    out.logitsAfterStep = tensorFrom(dir / "logits_after_step.bin", {batch, classes});
    const auto train = nlohmann::json::parse(readFile(dir / "train.json"));
    out.loss = train["loss"].get<double>();
    out.labels = torch::tensor(train["labels"].get<std::vector<int64_t>>(), torch::kLong);
    return true;
}

double maxAbsDiff(const at::Tensor &a, const at::Tensor &b) {
    return (a - b).abs().max().item<double>();
}

} // namespace cxr::test
