// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st; // OpenSSL's EVP_MD_CTX, kept out of this header

namespace cxr {

// Incremental SHA-256 through OpenSSL's EVP interface: file hashes of
// downloaded weights, dataset fingerprints. Throws Error when OpenSSL
// cannot start the digest.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&) noexcept;
    Sha256 &operator=(Sha256 &&) noexcept;
    void add(const void *data, std::size_t size);
    void add(const std::string &text) { add(text.data(), text.size()); }
    // The digest as 64 lower-case hex digits; ends the computation.
    std::string hex();

  private:
    struct Free {
        void operator()(evp_md_ctx_st *context) const;
    };
    std::unique_ptr<evp_md_ctx_st, Free> m_context;
};

} // namespace cxr
