// SPDX-License-Identifier: MIT
// `cxr train` as the ranks of a data-parallel job on 127.0.0.1: started by
// hand (RANK, WORLD_SIZE, ...) and by PyTorch's launcher torchrun; parity
// with a single process, learning, a killed rank, Ctrl-C, and one job across
// two network namespaces joined by a veth pair.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>
#include <unistd.h>

#include "data/phantoms.h"
#include "e2e/child_process.h"
#include "support/model_fixture.h"
#include "support/test_support.h"
#include "train/run_directory.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char *kTorchrun = "/usr/bin/torchrun";

// Arguments for a small training run on `data` writing `out` (a quarter of
// the training images for validation unless `extra` says otherwise).
std::vector<std::string>
trainArgs(const fs::path &data, const fs::path &out, const std::vector<std::string> &extra) {
    std::vector<std::string> args = {CXR_CLI_PATH,
                                     "train",
                                     data.string(),
                                     "--out",
                                     out.string(),
                                     "--init",
                                     "scratch",
                                     "--threads",
                                     "1"};
    if (std::find(extra.begin(), extra.end(), "--val-fraction") == extra.end())
        args.insert(args.end(), {"--val-fraction", "0.25"});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> rankEnvironment(int rank, int world, int port) {
    return {"RANK=" + std::to_string(rank),
            "LOCAL_RANK=" + std::to_string(rank),
            "WORLD_SIZE=" + std::to_string(world),
            "MASTER_ADDR=127.0.0.1",
            "MASTER_PORT=" + std::to_string(port)};
}

// torchrun 1.13 as Debian ships it: --no_python, and --redirects/--tee set
// (their default crashes torchrun under Python 3.11; see docs/training.md).
std::vector<std::string> torchrunArgs(int processes, int port, std::vector<std::string> train) {
    std::vector<std::string> args = {kTorchrun,
                                     "--no_python",
                                     "--redirects",
                                     "1",
                                     "--tee",
                                     "1",
                                     "--nproc_per_node=" + std::to_string(processes),
                                     "--master_port=" + std::to_string(port)};
    args.insert(args.end(), train.begin(), train.end());
    return args;
}

#define CXR_REQUIRE_TORCHRUN()                                                                     \
    do {                                                                                           \
        if (access(kTorchrun, X_OK) != 0)                                                          \
            GTEST_SKIP() << kTorchrun << " not found (python3-torch provides it; "                 \
                         << "installer/install-deps.sh installs it)";                              \
    } while (0)

// The pid of the process whose command line mentions `text` and whose
// environment has RANK=<rank>, or -1.
pid_t findRank(const std::string &text, int rank) {
    for (const auto &entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream cmdline(entry.path() / "cmdline"), environ(entry.path() / "environ");
        const std::string command((std::istreambuf_iterator<char>(cmdline)), {});
        const std::string env((std::istreambuf_iterator<char>(environ)), {});
        if (command.find(text) != std::string::npos && command.find("train") != std::string::npos &&
            env.find(std::string(1, '\0') + "RANK=" + std::to_string(rank) + '\0') !=
                std::string::npos)
            return static_cast<pid_t>(std::stol(name));
    }
    return -1;
}

StateDict stateOf(const fs::path &checkpoint) { return loadCheckpoint(checkpoint).stateDict; }

// With a frozen backbone and cached features BatchNorm does not train, so
// two processes with half the global batch each must train the very head a
// single process trains: gradients averaged across the job equal the
// gradient of the whole batch. In float32: bfloat16's products, rounded on
// batches of another size, differ by about 1e-3 after three epochs.
TEST(Distributed, TwoRanksTrainTheSameHeadAsOneProcess) {
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{8, 2, 64, 5});
    const std::vector<std::string> recipe = {"--epochs",
                                             "3",
                                             "--image-size",
                                             "32",
                                             "--batch-size",
                                             "8",
                                             "--freeze",
                                             "backbone",
                                             "--no-augment",
                                             "--precision",
                                             "fp32"};
    test::ChildProcess single(trainArgs(dir / "data", dir / "one", recipe), {}, dir / "one.log");
    ASSERT_EQ(single.wait(seconds(300)), 0) << test::readFile(dir / "one.log");

    const int port = test::freeLocalPort();
    test::ChildProcess rank0(
        trainArgs(dir / "data", dir / "two", recipe), rankEnvironment(0, 2, port), dir / "r0.log");
    test::ChildProcess rank1(
        trainArgs(dir / "data", dir / "two", recipe), rankEnvironment(1, 2, port), dir / "r1.log");
    ASSERT_EQ(rank0.wait(seconds(300)), 0) << test::readFile(dir / "r0.log");
    ASSERT_EQ(rank1.wait(seconds(60)), 0) << test::readFile(dir / "r1.log");

    const StateDict one = stateOf(dir / "one" / "last.pt"), two = stateOf(dir / "two" / "last.pt");
    ASSERT_EQ(one.size(), two.size());
    double head = 0, backbone = 0;
    for (std::size_t i = 0; i < one.size(); ++i) {
        const double diff =
            test::maxAbsDiff(one[i].second.to(torch::kDouble), two[i].second.to(torch::kDouble));
        (one[i].first.rfind("fc.", 0) == 0 ? head : backbone) =
            std::max(one[i].first.rfind("fc.", 0) == 0 ? head : backbone, diff);
    }
    EXPECT_EQ(backbone, 0.0); // frozen, and shared from rank 0
    // Stated tolerance: float32 sums in another order (the all-reduce),
    // three epochs of Adam.
    EXPECT_LT(head, 1e-5);
    const auto a = RunDirectory::readMetrics(dir / "one"),
               b = RunDirectory::readMetrics(dir / "two");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(a[i].loss, b[i].loss, 1e-4) << "row " << i;
        EXPECT_DOUBLE_EQ(a[i].accuracy, b[i].accuracy) << "row " << i;
    }
    const auto config = nlohmann::json::parse(test::readFile(dir / "two" / "config.json"));
    EXPECT_EQ(config["world_size"], 2);
    // Only rank 0 writes: rank 1's log says nothing of the run.
    EXPECT_EQ(test::readFile(dir / "r1.log").find("epoch 1/3"), std::string::npos);
}

// A ResNet50 trained from scratch by two torchrun processes learns the
// phantoms as a single process does (Trainer.LearnsThePhantomsWellAboveChance
// holds one process to the same bar: a guessing model passes with p = 0.03).
TEST(Distributed, TorchrunJobLearnsThePhantoms) {
    CXR_REQUIRE_TORCHRUN();
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{64, 16, 64, 5});
    const int port = test::freeLocalPort();
    test::ChildProcess job(torchrunArgs(2,
                                        port,
                                        trainArgs(dir / "data",
                                                  dir / "run",
                                                  {"--epochs",
                                                   "10",
                                                   "--image-size",
                                                   "64",
                                                   "--batch-size",
                                                   "16",
                                                   "--no-augment",
                                                   "--val-fraction",
                                                   "0.15",
                                                   "--seed",
                                                   "3"})),
                           {},
                           dir / "job.log");
    ASSERT_EQ(job.wait(seconds(1500)), 0) << test::readFile(dir / "job.log");
    const auto summary = RunDirectory::readSummary(dir / "run");
    ASSERT_TRUE(summary.has_value());
    const double balanced = (*summary)["test"]["balanced_accuracy"].get<double>();
    std::cout << "2-process test balanced accuracy: " << balanced << "\n";
    EXPECT_GT(balanced, 0.35);
    EXPECT_EQ(RunDirectory::readMetrics(dir / "run").size(), 20u);
}

// kill -9 of one rank: the other ends within a bounded time with a message
// that says what happened, and --resume continues the job to its end.
TEST(Distributed, KilledRankEndsTheJobAndResumeFinishesIt) {
    CXR_REQUIRE_TORCHRUN();
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{6, 2, 48, 5});
    const std::vector<std::string> recipe = {
        "--epochs", "4", "--image-size", "32", "--batch-size", "8"};
    const fs::path run = dir / "run";
    {
        test::ChildProcess job(
            torchrunArgs(2, test::freeLocalPort(), trainArgs(dir / "data", run, recipe)),
            {},
            dir / "job.log");
        ASSERT_TRUE(test::waitForText(dir / "job.log", "epoch 1/4", seconds(300)))
            << test::readFile(dir / "job.log");
        const pid_t victim = findRank(run.string(), 1);
        ASSERT_GT(victim, 0);
        ASSERT_EQ(kill(victim, SIGKILL), 0);
        const auto exit = job.wait(seconds(90));
        ASSERT_TRUE(exit.has_value()) << "the job did not end within 90 s of the kill";
        EXPECT_NE(*exit, 0);
        EXPECT_NE(test::readFile(dir / "job.log").find("lost contact with the others"),
                  std::string::npos)
            << test::readFile(dir / "job.log");
    }
    test::ChildProcess resumed(
        torchrunArgs(2, test::freeLocalPort(), trainArgs(dir / "data", run, {"--resume"})),
        {},
        dir / "resume.log");
    ASSERT_EQ(resumed.wait(seconds(600)), 0) << test::readFile(dir / "resume.log");
    EXPECT_TRUE(RunDirectory::readSummary(run).has_value());
    std::vector<int> trainEpochs;
    for (const MetricsRow &row : RunDirectory::readMetrics(run))
        if (row.split == "train")
            trainEpochs.push_back(row.epoch);
    EXPECT_EQ(trainEpochs, (std::vector<int>{1, 2, 3, 4}));
}

// Ctrl-C reaches every process of the job (the terminal signals its whole
// process group): every rank stops at the same batch, rank 0 writes a
// resumable checkpoint, and the job resumes.
TEST(Distributed, CtrlCStopsEveryRankWithAResumableCheckpoint) {
    CXR_REQUIRE_TORCHRUN();
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{6, 2, 48, 5});
    const fs::path run = dir / "run";
    const std::vector<std::string> recipe = {
        "--epochs", "30", "--image-size", "32", "--batch-size", "8"};
    {
        test::ChildProcess job(
            torchrunArgs(2, test::freeLocalPort(), trainArgs(dir / "data", run, recipe)),
            {},
            dir / "job.log");
        ASSERT_TRUE(test::waitForText(dir / "job.log", "epoch 1/30", seconds(300)));
        job.signalGroup(SIGINT);
        ASSERT_TRUE(job.wait(seconds(90)).has_value()) << "the job did not stop within 90 s";
    }
    EXPECT_NE(test::readFile(run / "log.txt").find("cancelled in epoch"), std::string::npos)
        << test::readFile(run / "log.txt");
    EXPECT_NE(test::readFile(dir / "job.log").find("--resume"), std::string::npos);
    const auto metadata = nlohmann::json::parse(loadCheckpoint(run / "last.pt").metadataJson);
    EXPECT_GE(metadata["training"]["epoch"].get<int>(), 1);
    EXPECT_LT(metadata["training"]["epoch"].get<int>(), 30);
}

// Runs a shell command, returning its exit code.
int shell(const std::string &command) { return std::system(command.c_str()); }

// Two network namespaces joined by a veth pair, made for one test and
// removed after it: two "machines" on one host. Addresses 10.231.0.1 and .2
// exist only inside them.
class TwoHosts {
  public:
    TwoHosts() : m_tag(std::to_string(getpid() % 100000)) {
        const std::string a = nsA(), b = nsB();
        m_ok = shell("ip netns add " + a + " && ip netns add " + b + " && ip link add " + linkA() +
                     " type veth peer name " + linkB() + " && ip link set " + linkA() + " netns " +
                     a + " && ip link set " + linkB() + " netns " + b + " && ip -n " + a +
                     " addr add 10.231.0.1/24 dev " + linkA() + " && ip -n " + b +
                     " addr add 10.231.0.2/24 dev " + linkB() + " && ip -n " + a + " link set " +
                     linkA() + " up && ip -n " + b + " link set " + linkB() + " up && ip -n " + a +
                     " link set lo up && ip -n " + b + " link set lo up") == 0;
    }
    ~TwoHosts() {
        shell("ip netns del " + nsA() + " 2>/dev/null; ip netns del " + nsB() + " 2>/dev/null");
    }
    bool ok() const { return m_ok; }
    std::string nsA() const { return "cxrtestA" + m_tag; }
    std::string nsB() const { return "cxrtestB" + m_tag; }
    std::string linkA() const { return "cxva" + m_tag; }
    std::string linkB() const { return "cxvb" + m_tag; }

  private:
    std::string m_tag;
    bool m_ok = false;
};

// One job, one process on each of two "machines": torchrun's static
// rendezvous on node 0's address, Gloo over the veth link.
TEST(Distributed, OneJobAcrossTwoNetworkNamespaces) {
    CXR_REQUIRE_TORCHRUN();
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to make network namespaces (ip netns)";
    if (access("/usr/sbin/ip", X_OK) != 0 && access("/sbin/ip", X_OK) != 0)
        GTEST_SKIP() << "the ip command (iproute2) is not installed";
    TwoHosts hosts;
    ASSERT_TRUE(hosts.ok()) << "could not make the network namespaces";
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{8, 2, 48, 5});
    const std::vector<std::string> train = trainArgs(dir / "data",
                                                     dir / "run",
                                                     {"--epochs",
                                                      "2",
                                                      "--image-size",
                                                      "32",
                                                      "--batch-size",
                                                      "8",
                                                      "--freeze",
                                                      "backbone",
                                                      "--no-augment"});
    auto node = [&](int rank, const std::string &ns, const std::string &link) {
        std::vector<std::string> args = {"ip",
                                         "netns",
                                         "exec",
                                         ns,
                                         "env",
                                         "GLOO_SOCKET_IFNAME=" + link,
                                         kTorchrun,
                                         "--no_python",
                                         "--redirects",
                                         "1",
                                         "--tee",
                                         "1",
                                         "--nnodes=2",
                                         "--node_rank=" + std::to_string(rank),
                                         "--nproc_per_node=1",
                                         "--master_addr=10.231.0.1",
                                         "--master_port=29555"};
        args.insert(args.end(), train.begin(), train.end());
        return args;
    };
    test::ChildProcess first(node(0, hosts.nsA(), hosts.linkA()), {}, dir / "a.log");
    test::ChildProcess second(node(1, hosts.nsB(), hosts.linkB()), {}, dir / "b.log");
    ASSERT_EQ(first.wait(seconds(600)), 0) << test::readFile(dir / "a.log");
    ASSERT_EQ(second.wait(seconds(120)), 0) << test::readFile(dir / "b.log");
    const auto config = nlohmann::json::parse(test::readFile(dir / "run" / "config.json"));
    EXPECT_EQ(config["world_size"], 2);
    EXPECT_TRUE(RunDirectory::readSummary(dir / "run").has_value());
}

} // namespace
} // namespace cxr
