// SPDX-License-Identifier: MIT
#pragma once

namespace cxr::test {

// Closes the next modal dialog (a QMessageBox) that opens within a few
// seconds, as a user pressing its default button would, so that a test can
// drive code that asks or informs modally. Call just before the action.
void answerNextMessageBox();

} // namespace cxr::test
