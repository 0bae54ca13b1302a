// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>

class QListWidget;
class QTextBrowser;

namespace cxr::ui {

// The user's manual inside the app (Help > User guide): the README and the
// documents in docs/, rendered from their Markdown, with links between them
// followed in place and web links opened in the browser.
class HelpBrowser : public QDialog {
    Q_OBJECT
  public:
    explicit HelpBrowser(QWidget *parent = nullptr);

    // Where the documents are: the installed copy (share/doc/cxr-studio next
    // to the program's bin/), else the source tree's. Empty when neither.
    static QString documentsFolder();
    // The documents in reading order, as absolute paths.
    static QStringList documents(const QString &folder);

    // Shows a document (a path from documents(), or a name like
    // "training.md"); false when there is no such document.
    bool showDocument(const QString &document);
    QString shownTitle() const;
    QTextBrowser *browser() const { return m_text; }

  private:
    QListWidget *m_list;
    QTextBrowser *m_text;
    QStringList m_documents;
};

} // namespace cxr::ui
