// SPDX-License-Identifier: MIT
#include "help_browser.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QListWidget>
#include <QSplitter>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace cxr::ui {
namespace {

// The order a new user reads them in.
const char *const kReadingOrder[] = {"README.md",
                                     "docs/install.md",
                                     "docs/training.md",
                                     "docs/evaluation.md",
                                     "docs/explain.md",
                                     "docs/weights.md",
                                     "docs/reliability.md",
                                     "docs/benchmarks.md",
                                     "docs/architecture.md"};

// A document's title: its first Markdown heading, else its file name.
QString titleOf(const QString &file) {
    QFile in(file);
    if (in.open(QIODevice::ReadOnly | QIODevice::Text))
        while (!in.atEnd()) {
            const QString line = QString::fromUtf8(in.readLine()).trimmed();
            if (line.startsWith(QLatin1Char('#')))
                return line.section(QLatin1Char(' '), 1).trimmed();
        }
    return QFileInfo(file).completeBaseName();
}

} // namespace

QString HelpBrowser::documentsFolder() {
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .filePath(QStringLiteral("../share/doc/cxr-studio"));
    if (QFileInfo::exists(QDir(installed).filePath(QStringLiteral("docs/training.md"))))
        return QDir(installed).canonicalPath();
#ifdef CXR_SOURCE_DIR
    const QString source = QStringLiteral(CXR_SOURCE_DIR);
    if (QFileInfo::exists(QDir(source).filePath(QStringLiteral("docs/training.md"))))
        return QDir(source).canonicalPath();
#endif
    return {};
}

QStringList HelpBrowser::documents(const QString &folder) {
    QStringList found;
    if (folder.isEmpty())
        return found;
    for (const char *relative : kReadingOrder) {
        const QString file = QDir(folder).filePath(QString::fromLatin1(relative));
        if (QFileInfo::exists(file))
            found << file;
    }
    return found;
}

HelpBrowser::HelpBrowser(QWidget *parent)
    : QDialog(parent), m_list(new QListWidget(this)), m_text(new QTextBrowser(this)),
      m_documents(documents(documentsFolder())) {
    setWindowTitle(tr("CXR Studio user guide"));
    m_list->setObjectName(QStringLiteral("documents"));
    m_text->setObjectName(QStringLiteral("document"));
    m_text->setOpenExternalLinks(false);
    m_text->setOpenLinks(true);
    for (const QString &file : m_documents) {
        auto *item = new QListWidgetItem(titleOf(file), m_list);
        item->setData(Qt::UserRole, file);
        item->setToolTip(file);
    }
    // Links between documents open here; web links in the user's browser.
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (!url.isLocalFile() && !url.isRelative()) {
            QDesktopServices::openUrl(url);
            m_text->setSource(m_text->source()); // stay on the page
        }
    });
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_documents.size())
            m_text->setSource(QUrl::fromLocalFile(m_documents[row]),
                              QTextDocument::MarkdownResource);
    });
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_list);
    split->addWidget(m_text);
    split->setStretchFactor(1, 1);
    m_list->setMaximumWidth(260);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(1100, 760);
    if (m_documents.isEmpty())
        m_text->setPlainText(tr("The user guide was not found next to the program (looked in "
                                "share/doc/cxr-studio). It is also in the source tree's docs/ "
                                "folder."));
    else
        m_list->setCurrentRow(0);
}

bool HelpBrowser::showDocument(const QString &document) {
    for (int row = 0; row < m_documents.size(); ++row)
        if (m_documents[row] == document ||
            m_documents[row].endsWith(QLatin1Char('/') + document)) {
            m_list->setCurrentRow(row);
            return true;
        }
    return false;
}

QString HelpBrowser::shownTitle() const {
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->text() : QString();
}

} // namespace cxr::ui
