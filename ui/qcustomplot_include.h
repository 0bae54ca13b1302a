// SPDX-License-Identifier: MIT
#pragma once

// The one way to include QCustomPlot. Debian's qcustomplot.h uses Qt's
// lower-case keywords, which this project switches off (QT_NO_KEYWORDS)
// because they collide with LibTorch identifiers; map them to the Q_
// macros for this header only.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
