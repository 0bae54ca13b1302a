// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaType>
#include <memory>

#include "data/dataset_index.h"

// Scan results cross threads and signals as shared, immutable values.
Q_DECLARE_METATYPE(std::shared_ptr<const cxr::DatasetIndex>)
