// SPDX-License-Identifier: MIT
#include <QListWidget>
#include <QTextBrowser>

#include <gtest/gtest.h>

#include "help_browser.h"

namespace cxr {
namespace {

// Help > User guide: the README and every document of docs/, rendered from
// Markdown; a link to another document opens it in place.
TEST(HelpBrowser, ShowsTheUserGuideAndFollowsItsLinks) {
    const QString folder = ui::HelpBrowser::documentsFolder();
    ASSERT_FALSE(folder.isEmpty()) << "neither an installed nor the source tree's docs/";
    const QStringList documents = ui::HelpBrowser::documents(folder);
    ASSERT_GE(documents.size(), 8);
    EXPECT_TRUE(documents.front().endsWith(QStringLiteral("README.md")));

    ui::HelpBrowser guide;
    EXPECT_TRUE(guide.browser()->toPlainText().contains(QStringLiteral("not for clinical use"),
                                                        Qt::CaseInsensitive));
    ASSERT_TRUE(guide.showDocument(QStringLiteral("training.md")));
    EXPECT_EQ(guide.shownTitle(), QStringLiteral("Training"));
    const QString text = guide.browser()->toPlainText();
    EXPECT_TRUE(text.contains(QStringLiteral("Resume"))) << text.left(300).toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("## "))) << "Markdown shown raw, not rendered";
    EXPECT_FALSE(guide.showDocument(QStringLiteral("no-such.md")));

    // A relative link between documents opens the other one in place.
    guide.browser()->setSource(QUrl(QStringLiteral("benchmarks.md")));
    EXPECT_EQ(guide.browser()->source().fileName(), QStringLiteral("benchmarks.md"));
    EXPECT_TRUE(guide.browser()->toPlainText().contains(QStringLiteral("Several processes")));
}

} // namespace
} // namespace cxr
