// SPDX-License-Identifier: MIT
// RunSync on PyTorch's c10d: a TCPStore for the rendezvous (hosted by rank 0,
// or by torchrun's agent) and ProcessGroupGloo for the collectives.
#include <chrono>
#include <cstring>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/types.h>

#include "errors.h"
#include "train/run_sync.h"

namespace cxr {
namespace {
using Clock = std::chrono::steady_clock;

// DistributedDataParallel's bucket sizes: a small first bucket so that
// communication starts early in backward, then 25 MB.
constexpr std::size_t kFirstBucketBytes = 1 << 20;
constexpr std::size_t kBucketBytes = 25 << 20;

// Turns a c10d or Gloo failure into an Error a user can act on.
[[noreturn]] void lostContact(int rank, int worldSize, const std::exception &e) {
    std::string detail = e.what();
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        detail = c10->what_without_backtrace();
    detail = detail.substr(0, detail.find('\n'));
    throw Error("process " + std::to_string(rank) + " of the training job (world size " +
                std::to_string(worldSize) + ") lost contact with the others: " + detail +
                ". Another process probably stopped; the job can continue from its last "
                "checkpoint with --resume");
}

class BucketedGradientSync final : public GradientSync {
  public:
    BucketedGradientSync(c10::intrusive_ptr<c10d::ProcessGroup> group,
                         std::vector<at::Tensor> parameters,
                         int rank,
                         double *waitClock)
        : m_group(std::move(group)), m_parameters(std::move(parameters)), m_rank(rank),
          m_waitClock(waitClock) {
        assignBuckets();
        for (std::size_t i = 0; i < m_parameters.size(); ++i)
            m_hooks.push_back(m_parameters[i].register_hook(
                [this, i](const at::Tensor &grad) { onGradient(i, grad); }));
    }

    ~BucketedGradientSync() override {
        for (std::size_t i = 0; i < m_parameters.size(); ++i)
            m_parameters[i].remove_hook(m_hooks[i]);
    }

    void beginBackward() override {
        for (Bucket &bucket : m_buckets) {
            bucket.pending = bucket.members.size();
            bucket.work.reset();
            std::fill(bucket.ready.begin(), bucket.ready.end(), false);
        }
        m_nextToLaunch = 0;
    }

    double finishBackward() override {
        const auto start = Clock::now();
        try {
            // A parameter backward never reached contributes zeros, so that
            // every rank launches every bucket, in the same order.
            for (Bucket &bucket : m_buckets)
                for (std::size_t k = 0; k < bucket.members.size(); ++k)
                    if (!bucket.ready[k])
                        markReady(bucket, k, at::Tensor());
            launchReadyBuckets();
            const double world = static_cast<double>(m_group->getSize());
            for (Bucket &bucket : m_buckets) {
                bucket.work->wait();
                bucket.flat.div_(world);
                for (std::size_t k = 0; k < bucket.members.size(); ++k) {
                    at::Tensor &parameter = m_parameters[bucket.members[k]];
                    const at::Tensor mean =
                        bucket.flat.narrow(0, bucket.offsets[k], parameter.numel())
                            .view(parameter.sizes());
                    if (parameter.grad().defined())
                        parameter.mutable_grad().copy_(mean);
                    else
                        parameter.mutable_grad() = mean.clone();
                }
            }
        } catch (const std::exception &e) {
            lostContact(m_rank, m_group->getSize(), e);
        }
        const double waited = std::chrono::duration<double>(Clock::now() - start).count();
        *m_waitClock += waited;
        return waited;
    }

  private:
    struct Bucket {
        std::vector<std::size_t> members; // indices into m_parameters
        std::vector<int64_t> offsets;     // of each member in `flat`
        std::vector<bool> ready;
        std::size_t pending = 0;
        at::Tensor flat;
        c10::intrusive_ptr<c10d::Work> work;
    };

    // Reverse order of the parameters (the order backward produces their
    // gradients), cut at the bucket size.
    void assignBuckets() {
        Bucket current;
        std::size_t bytes = 0, limit = kFirstBucketBytes;
        auto close = [&] {
            if (current.members.empty())
                return;
            current.flat = torch::zeros({static_cast<int64_t>(bytes / sizeof(float))});
            current.ready.assign(current.members.size(), false);
            m_buckets.push_back(std::move(current));
            current = Bucket{};
            bytes = 0;
            limit = kBucketBytes;
        };
        for (std::size_t i = m_parameters.size(); i-- > 0;) {
            const std::size_t size =
                static_cast<std::size_t>(m_parameters[i].numel()) * sizeof(float);
            current.members.push_back(i);
            current.offsets.push_back(static_cast<int64_t>(bytes / sizeof(float)));
            bytes += size;
            m_bucketOf.resize(m_parameters.size());
            m_bucketOf[i] = {m_buckets.size(), current.members.size() - 1};
            if (bytes >= limit)
                close();
        }
        close();
    }

    void onGradient(std::size_t parameter, const at::Tensor &grad) {
        const auto [bucket, slot] = m_bucketOf[parameter];
        markReady(m_buckets[bucket], slot, grad);
        launchReadyBuckets();
    }

    void markReady(Bucket &bucket, std::size_t slot, const at::Tensor &grad) {
        if (bucket.ready[slot])
            return;
        const at::Tensor &parameter = m_parameters[bucket.members[slot]];
        at::Tensor target = bucket.flat.narrow(0, bucket.offsets[slot], parameter.numel());
        if (grad.defined())
            target.view(parameter.sizes()).copy_(grad);
        else
            target.zero_();
        bucket.ready[slot] = true;
        --bucket.pending;
    }

    // Buckets start in order, each as soon as it and all before it are full:
    // every rank then issues the same collectives in the same order.
    void launchReadyBuckets() {
        while (m_nextToLaunch < m_buckets.size() && m_buckets[m_nextToLaunch].pending == 0) {
            Bucket &bucket = m_buckets[m_nextToLaunch++];
            std::vector<at::Tensor> tensors{bucket.flat};
            bucket.work = m_group->allreduce(tensors);
        }
    }

    c10::intrusive_ptr<c10d::ProcessGroup> m_group;
    std::vector<at::Tensor> m_parameters;
    int m_rank;
    double *m_waitClock;
    std::vector<Bucket> m_buckets;
    std::vector<std::pair<std::size_t, std::size_t>> m_bucketOf; // parameter -> (bucket, slot)
    std::vector<unsigned> m_hooks;
    std::size_t m_nextToLaunch = 0;
};

class ProcessGroupSync final : public RunSync {
  public:
    ProcessGroupSync(c10::intrusive_ptr<c10d::Store> store,
                     c10::intrusive_ptr<c10d::ProcessGroup> group,
                     const DistributedSetup &setup)
        : m_store(std::move(store)), m_group(std::move(group)), m_setup(setup) {}

    int rank() const override { return m_setup.rank; }
    int worldSize() const override { return m_setup.worldSize; }

    std::string shareText(const std::string &text) override {
        return guarded([&] {
            at::Tensor size = torch::tensor({static_cast<int64_t>(text.size())}, torch::kLong);
            broadcast(size);
            at::Tensor bytes = torch::zeros({size.item<int64_t>()}, torch::kUInt8);
            if (leads() && !text.empty())
                std::memcpy(bytes.data_ptr(), text.data(), text.size());
            broadcast(bytes);
            return std::string(static_cast<const char *>(bytes.data_ptr()),
                               static_cast<std::size_t>(bytes.numel()));
        });
    }

    void shareTensors(const std::vector<at::Tensor> &tensors) override {
        guarded([&] {
            // One broadcast of everything, flattened, instead of hundreds.
            std::vector<at::Tensor> flat;
            for (const at::Tensor &t : tensors)
                flat.push_back(t.detach().to(torch::kFloat).reshape(-1));
            at::Tensor all = torch::cat(flat);
            broadcast(all);
            int64_t offset = 0;
            torch::NoGradGuard noGrad;
            for (const at::Tensor &t : tensors) {
                t.detach().copy_(all.narrow(0, offset, t.numel()).view(t.sizes()));
                offset += t.numel();
            }
            return 0;
        });
    }

    std::vector<bool> anyOf(const std::vector<bool> &flags) override {
        return guarded([&] {
            at::Tensor t = torch::zeros({static_cast<int64_t>(flags.size())}, torch::kInt);
            for (std::size_t i = 0; i < flags.size(); ++i)
                t[static_cast<int64_t>(i)] = flags[i] ? 1 : 0;
            std::vector<at::Tensor> tensors{t};
            c10d::AllreduceOptions options;
            options.reduceOp = c10d::ReduceOp::MAX;
            timed([&] { m_group->allreduce(tensors, options)->wait(); });
            std::vector<bool> out;
            for (std::size_t i = 0; i < flags.size(); ++i)
                out.push_back(t[static_cast<int64_t>(i)].item<int>() != 0);
            return out;
        });
    }

    Predictions gather(const Predictions &mine) override {
        return guarded([&] {
            const int64_t k = mine.classes;
            const std::vector<at::Tensor> counts =
                allgather(torch::tensor({static_cast<int64_t>(mine.size())}, torch::kLong));
            // Gloo divides by the element count: never gather empty tensors.
            int64_t most = 1;
            for (const at::Tensor &c : counts)
                most = std::max(most, c.item<int64_t>());
            at::Tensor labels = torch::zeros({most}, torch::kLong);
            at::Tensor rows = torch::zeros({most, k});
            for (std::size_t i = 0; i < mine.size(); ++i) {
                labels[static_cast<int64_t>(i)] = mine.labels[i];
            }
            if (!mine.empty())
                std::memcpy(rows.data_ptr<float>(),
                            mine.probabilities.data(),
                            mine.probabilities.size() * sizeof(float));
            const auto allLabels = allgather(labels), allRows = allgather(rows);
            const auto lossSums = allgather(torch::tensor({mine.lossSum}, torch::kDouble));
            Predictions out(mine.classes);
            for (std::size_t r = 0; r < counts.size(); ++r) {
                const int64_t n = counts[r].item<int64_t>();
                const at::Tensor l = allLabels[r].narrow(0, 0, n).contiguous();
                const at::Tensor p = allRows[r].narrow(0, 0, n).contiguous();
                const std::vector<int> rowLabels(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + n);
                const std::vector<float> rowProbabilities(p.data_ptr<float>(),
                                                          p.data_ptr<float>() + n * k);
                out.add(rowLabels, rowProbabilities, 0.0);
                out.lossSum += lossSums[r].item<double>();
            }
            return out;
        });
    }

    std::unique_ptr<GradientSync> gradientSync(const std::vector<at::Tensor> &parameters) override {
        return std::make_unique<BucketedGradientSync>(m_group, parameters, rank(), &m_seconds);
    }

    double communicationSeconds() const override { return m_seconds; }

  private:
    template <typename F> auto guarded(F f) -> decltype(f()) {
        try {
            return f();
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            lostContact(rank(), worldSize(), e);
        }
    }

    template <typename F> void timed(F f) {
        const auto start = Clock::now();
        f();
        m_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    }

    void broadcast(at::Tensor &tensor) {
        std::vector<at::Tensor> tensors{tensor};
        timed([&] { m_group->broadcast(tensors)->wait(); });
    }

    std::vector<at::Tensor> allgather(const at::Tensor &tensor) {
        std::vector<at::Tensor> input{tensor.contiguous()};
        std::vector<std::vector<at::Tensor>> output(1);
        for (int r = 0; r < worldSize(); ++r)
            output[0].push_back(torch::empty_like(input[0]));
        timed([&] { m_group->allgather(output, input)->wait(); });
        return output[0];
    }

    c10::intrusive_ptr<c10d::Store> m_store;
    c10::intrusive_ptr<c10d::ProcessGroup> m_group;
    DistributedSetup m_setup;
    double m_seconds = 0;
};

} // namespace

std::unique_ptr<RunSync> joinJob(const DistributedSetup &setup) {
    if (setup.worldSize == 1)
        return makeLocalSync();
    const auto timeout = std::chrono::seconds(setup.timeoutSeconds);
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(setup.masterPort);
        // Under torchrun the agent already hosts the store at MASTER_PORT,
        // and workers use it under the prefix "/worker" (what PyTorch's
        // env:// rendezvous does); run by hand, rank 0 hosts it.
        options.isServer = !setup.agentStore && setup.leads();
        options.numWorkers = setup.worldSize;
        options.waitWorkers = false;
        options.timeout = timeout;
        c10::intrusive_ptr<c10d::Store> store =
            c10::make_intrusive<c10d::TCPStore>(setup.masterAddress, options);
        if (setup.agentStore)
            store = c10::make_intrusive<c10d::PrefixStore>("/worker", store);
        auto groupOptions = c10d::ProcessGroupGloo::Options::create();
        groupOptions->timeout = timeout;
        groupOptions->devices.push_back(
            setup.interface.empty()
                ? c10d::ProcessGroupGloo::createDefaultDevice()
                : c10d::ProcessGroupGloo::createDeviceForInterface(setup.interface));
        auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(
            store, setup.rank, setup.worldSize, groupOptions);
        return std::make_unique<ProcessGroupSync>(store, group, setup);
    } catch (const std::exception &e) {
        std::string detail = e.what();
        if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
            detail = c10->what_without_backtrace();
        throw Error("process " + std::to_string(setup.rank) +
                    " could not join the training job at " + setup.masterAddress + ":" +
                    std::to_string(setup.masterPort) + ": " + detail.substr(0, detail.find('\n')));
    }
}

} // namespace cxr
