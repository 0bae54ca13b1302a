// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace cxr {

// Where this process sits in a data-parallel job, as PyTorch's launcher
// torchrun describes it in the environment (RANK, WORLD_SIZE, LOCAL_RANK,
// MASTER_ADDR, MASTER_PORT; TORCHELASTIC_USE_AGENT_STORE when torchrun's
// agent hosts the rendezvous store; GLOO_SOCKET_IFNAME for the network
// interface, as in PyTorch). A plain value.
struct DistributedSetup {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    bool agentStore = false;  // connect to torchrun's store instead of hosting one on rank 0
    std::string interface;    // empty: the address the host name resolves to, else loopback
    int timeoutSeconds = 300; // CXR_DIST_TIMEOUT: a silent peer is given up after this long

    bool leads() const { return rank == 0; }
};

// The job this process belongs to, or nullopt when WORLD_SIZE is unset (a
// plain single-process run). Throws Error naming the variable when one is
// malformed (RANK outside 0..WORLD_SIZE-1, a port outside 1..65535, ...).
std::optional<DistributedSetup> distributedFromEnvironment();

} // namespace cxr
