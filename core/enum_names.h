// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace cxr {

// One table per enum gives both directions of its names, so that a name and
// its value cannot drift apart and no value silently means "the other one".
// The first row of a value is its canonical name; later rows with the same
// value are accepted spellings. A value missing from the table is a bug:
// nameOf throws std::logic_error.
template <typename E> struct EnumName {
    E value;
    const char *name;
};

template <typename E, std::size_t N> const char *nameOf(const EnumName<E> (&table)[N], E value) {
    for (const EnumName<E> &row : table)
        if (row.value == value)
            return row.name;
    throw std::logic_error("an enum value has no name in its table");
}

template <typename E, std::size_t N>
std::optional<E> parseName(const EnumName<E> (&table)[N], const std::string &name) {
    for (const EnumName<E> &row : table)
        if (name == row.name)
            return row.value;
    return std::nullopt;
}

} // namespace cxr
