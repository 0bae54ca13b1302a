// SPDX-License-Identifier: MIT
// `cxr bench WORKLOAD [--quick] [--threads N] [--data DIR] [--precision P]
// [--profile]`: one benchmark workload, printed as one JSON line (with
// --profile, a training step's time by operator as well). bench/compare.sh runs every workload
// here and in the PyTorch reference (bench/reference.py) and compares.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "cli/commands.h"
#include "cli/operator_profile.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "explain/grad_cam.h"
#include "infer/inference_network.h"
#include "loader/batch_loader.h"
#include "models/network.h"
#include "models/precision.h"
#include "parallel_for.h"
#include "train/distributed.h"
#include "train/run_sync.h"
#include "weights/checkpoint.h"

namespace cxr::cli {
namespace {
using Clock = std::chrono::steady_clock;

struct BenchArgs {
    std::string workload, data, model;
    bool quick = false;
    int threads = 0;
    int batch = 16;
    int imageSize = 224;
    std::string precision = "auto"; // training workloads, as `cxr train`
    bool profile = false;
};

double seconds(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double peakRssMegabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

nlohmann::json pipeline(const BenchArgs &a) {
    const DatasetIndex index = scan(a.data);
    const std::size_t wanted = a.quick ? 96 : 960;
    std::vector<std::size_t> samples;
    std::vector<int> labels;
    while (samples.size() < wanted)
        for (std::size_t i = 0; i < index.samples.size() && samples.size() < wanted; ++i) {
            samples.push_back(i);
            labels.push_back(index.samples[i].label);
        }
    BatchLoader::Options options;
    options.preprocessing.imageSize = a.imageSize;
    options.augmentation = Augmentation{};
    options.batchSize = a.batch;
    options.threads = resolveThreadCount(a.threads);
    const auto start = Clock::now();
    BatchLoader loader(index, samples, labels, options);
    std::size_t images = 0;
    while (auto batch = loader.next())
        images += static_cast<std::size_t>(batch->labels.numel());
    const double t = seconds(start);
    return {{"images_per_second", images / t}, {"images", images}};
}

// One Adam step on a batch in memory, repeated. Started by torchrun, each
// process is a rank of a data-parallel job (a batch of --batch-size each,
// gradients averaged as in training), and the result adds the job's rate,
// the communication left waiting after backward, and the time of one
// all-reduce of every gradient on its own.
nlohmann::json trainStep(const BenchArgs &a, Architecture arch) {
    std::shared_ptr<RunSync> sync;
    if (const auto setup = distributedFromEnvironment(); setup && setup->worldSize > 1)
        sync = joinJob(*setup);
    torch::manual_seed(0);
    Network network = makeNetwork(arch, 4);
    if (!std::getenv("CXR_NCHW"))  // the A/B switch of docs/benchmarks.md
        useChannelsLast(*network); // what the trainer does
    network->train();
    if (sync)
        sync->shareTensors(network->parameters());
    std::unique_ptr<GradientSync> gradients =
        sync ? sync->gradientSync(network->parameters()) : nullptr;
    torch::optim::Adam optimiser(network->parameters(), torch::optim::AdamOptions(1e-3));
    const auto x = torch::randn({a.batch, 3, a.imageSize, a.imageSize});
    const auto y = torch::randint(0, 4, {a.batch}, torch::kLong);
    double exposed = 0;
    const std::optional<Precision> requested = parsePrecision(a.precision);
    if (!requested)
        throw Error("--precision must be auto, fp32 or bf16, not \"" + a.precision + "\"");
    const Precision precision = resolvePrecision(*requested, cpuHasNativeBf16());
    auto step = [&] {
        optimiser.zero_grad();
        if (gradients)
            gradients->beginBackward();
        at::Tensor logits;
        {
            const PrecisionScope scope(precision);
            logits = network->forward(x);
        }
        torch::nn::functional::cross_entropy(logits.to(torch::kFloat), y).backward();
        if (gradients)
            exposed += gradients->finishBackward();
        optimiser.step();
    };
    step(); // warm-up: allocations, oneDNN primitive creation
    exposed = 0;
    const int steps = a.quick ? 1 : 4;
    const auto start = Clock::now();
    for (int s = 0; s < steps; ++s)
        step();
    const double t = seconds(start);
    nlohmann::json result = {{"images_per_second", steps * a.batch / t},
                             {"peak_rss_mb", peakRssMegabytes()},
                             {"precision", precisionName(precision)}};
    if (a.profile && !sync) {
        nlohmann::json rows = nlohmann::json::array();
        for (const OperatorTime &op : profileOperators(step))
            rows.push_back(
                {{"operator", op.name}, {"self_ms", op.selfMilliseconds}, {"calls", op.calls}});
        result["profile"] = rows;
    }
    if (sync) {
        // Every bucket at once, with no backward to hide behind.
        std::vector<double> alone;
        for (int i = 0; i < 3; ++i) {
            gradients->beginBackward();
            alone.push_back(gradients->finishBackward() * 1000.0);
        }
        result["world_size"] = sync->worldSize();
        result["rank"] = sync->rank();
        result["job_images_per_second"] = steps * a.batch * sync->worldSize() / t;
        result["exposed_communication_ms_per_step"] = exposed / steps * 1000.0;
        result["allreduce_ms"] = median(alone);
        result["gradient_megabytes"] = [&] {
            double bytes = 0;
            for (const auto &p : network->parameters())
                bytes += static_cast<double>(p.numel()) * 4.0;
            return bytes / 1e6;
        }();
    }
    return result;
}

nlohmann::json inference(const BenchArgs &a, Architecture arch, bool gradcam) {
    torch::manual_seed(0);
    Network network = makeNetwork(arch, 4);
    network->eval();
    const auto x = torch::randn({1, 3, a.imageSize, a.imageSize});
    // What Classifier does: an InferenceNetwork snapshot for the backbone
    // (folded, in oneDNN's layout); CXR_PLAIN_NETWORK measures without it.
    const bool plain = std::getenv("CXR_PLAIN_NETWORK") != nullptr;
    const auto fast = InferenceNetwork::build(network);
    auto run = [&] {
        if (gradcam) {
            const FeatureMapFn features = [&fast](const at::Tensor &input) {
                return fast->features(input);
            };
            classActivationMap(
                *network, x, std::nullopt, CamMethod::GradCam, plain ? FeatureMapFn() : features);
        } else {
            torch::InferenceMode inference;
            if (plain)
                network->forward(x);
            else
                fast->forward(x);
        }
    };
    run();
    run();
    std::vector<double> times;
    for (int i = 0; i < (a.quick ? 3 : 15); ++i) {
        const auto start = Clock::now();
        run();
        times.push_back(seconds(start) * 1000.0);
    }
    return {{"latency_ms", median(times)}};
}

// Whether bfloat16 inference keeps a trained model's predictions: every
// image of --data through the model in float32 and under bfloat16 autocast
// (softmax without the model's temperature), compared image by image.
nlohmann::json precisionAgreement(const BenchArgs &a) {
    if (a.model.empty() || a.data.empty())
        throw Error("precision_agreement needs --model and --data");
    const Checkpoint checkpoint = loadCheckpoint(a.model);
    Network network = networkFromCheckpoint(checkpoint, a.model);
    const DatasetIndex index = scan(a.data);
    std::vector<std::size_t> samples(index.samples.size());
    std::vector<int> labels(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] = i;
        labels[i] = index.samples[i].label;
    }
    BatchLoader::Options options;
    options.preprocessing = checkpoint.preprocessing;
    options.batchSize = 16;
    options.threads = 2;
    BatchLoader loader(index, samples, labels, options);
    torch::InferenceMode inference;
    std::size_t images = 0, agree = 0;
    double maxError = 0, seconds32 = 0, seconds16 = 0;
    while (auto batch = loader.next()) {
        auto start = Clock::now();
        const at::Tensor p32 = torch::softmax(network->forward(batch->images), 1);
        seconds32 += seconds(start);
        start = Clock::now();
        at::Tensor logits;
        {
            const PrecisionScope scope(Precision::Bf16);
            logits = network->forward(batch->images);
        }
        seconds16 += seconds(start);
        const at::Tensor p16 = torch::softmax(logits.to(torch::kFloat), 1);
        images += static_cast<std::size_t>(p32.size(0));
        agree +=
            static_cast<std::size_t>((p32.argmax(1) == p16.argmax(1)).sum().item<std::int64_t>());
        maxError = std::max(maxError, (p32 - p16).abs().max().item<double>());
    }
    return {{"images", images},
            {"top1_agreement", images ? static_cast<double>(agree) / images : 0.0},
            {"max_probability_error", maxError},
            {"fp32_seconds", seconds32},
            {"bf16_seconds", seconds16}};
}

int runBench(const BenchArgs &a) {
    try {
        at::set_num_threads(resolveThreadCount(a.threads));
        nlohmann::json result;
        if (a.workload == "pipeline")
            result = pipeline(a);
        else if (a.workload == "train_resnet50")
            result = trainStep(a, Architecture::ResNet50);
        else if (a.workload == "train_densenet121")
            result = trainStep(a, Architecture::DenseNet121);
        else if (a.workload == "infer_resnet50")
            result = inference(a, Architecture::ResNet50, false);
        else if (a.workload == "infer_densenet121")
            result = inference(a, Architecture::DenseNet121, false);
        else if (a.workload == "gradcam_resnet50")
            result = inference(a, Architecture::ResNet50, true);
        else if (a.workload == "precision_agreement")
            result = precisionAgreement(a);
        else
            throw Error("unknown workload \"" + a.workload + "\"");
        result["workload"] = a.workload;
        result["threads"] = at::get_num_threads();
        if (result.value("rank", 0) == 0) // one line for a job, from rank 0
            std::cout << result.dump() << std::endl;
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr bench: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addBenchCommand(CLI::App &app, int &exitCode) {
    auto a = std::make_shared<BenchArgs>();
    CLI::App *cmd =
        app.add_subcommand("bench", "Run one benchmark workload (see bench/compare.sh)");
    cmd->add_option("workload",
                    a->workload,
                    "pipeline, train_resnet50, train_densenet121, infer_resnet50, "
                    "infer_densenet121, gradcam_resnet50, precision_agreement")
        ->required();
    cmd->add_flag("--quick", a->quick, "Small sizes (for CI)");
    cmd->add_option("--threads", a->threads, "Threads (0 = every core)");
    cmd->add_option("--batch-size", a->batch, "Batch size")->capture_default_str();
    cmd->add_option("--image-size", a->imageSize, "Input size")->capture_default_str();
    cmd->add_option("--precision", a->precision, "Training arithmetic: auto, fp32 or bf16")
        ->capture_default_str();
    cmd->add_flag("--profile", a->profile, "Add one training step's time by operator");
    cmd->add_option("--model", a->model, "A trained model (precision_agreement)");
    cmd->add_option("--data", a->data, "Image folder for the pipeline workload");
    cmd->callback([a, &exitCode] { exitCode = runBench(*a); });
}

} // namespace cxr::cli
