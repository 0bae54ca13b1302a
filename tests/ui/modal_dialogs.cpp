// SPDX-License-Identifier: MIT
#include "modal_dialogs.h"

#include <QApplication>
#include <QDialog>
#include <QTimer>
#include <memory>

namespace cxr::test {

void answerNextMessageBox() {
    // Poll from the event loop the dialog's exec() runs.
    auto *timer = new QTimer(qApp);
    auto tries = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, tries] {
        if (auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget())) {
            dialog->accept();
            timer->deleteLater();
        } else if (++*tries > 100) {
            timer->deleteLater();
        }
    });
    timer->start(50);
}

} // namespace cxr::test
