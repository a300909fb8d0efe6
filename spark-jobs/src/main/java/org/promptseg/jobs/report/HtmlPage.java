package org.promptseg.jobs.report;

import java.util.List;

/**
 * A plain, self-contained HTML page (no scripts, no external resources) built section by section:
 * reports must open from a local folder or an HDFS download on a hospital workstation.
 */
public final class HtmlPage {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlPage(String title) {
        this.title = title;
        h1(title);
    }

    public HtmlPage h1(String text) {
        body.append("<h1>").append(escape(text)).append("</h1>\n");
        return this;
    }

    public HtmlPage h2(String text) {
        body.append("<h2 id=\"").append(anchor(text)).append("\">").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage h3(String text) {
        body.append("<h3>").append(escape(text)).append("</h3>\n");
        return this;
    }

    public HtmlPage p(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlPage pre(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    public HtmlPage link(String href, String text) {
        body.append("<p><a href=\"").append(escape(href)).append("\">").append(escape(text)).append("</a></p>\n");
        return this;
    }

    /** An image by relative path, with a caption. */
    public HtmlPage image(String src, String caption) {
        body.append("<figure><img src=\"").append(escape(src)).append("\" alt=\"").append(escape(caption)).append("\"><figcaption>")
            .append(escape(caption)).append("</figcaption></figure>\n");
        return this;
    }

    /** Several images side by side. */
    public HtmlPage images(List<String[]> srcAndCaption) {
        body.append("<div class=\"row\">\n");
        for (String[] sc : srcAndCaption) {
            image(sc[0], sc[1]);
        }
        body.append("</div>\n");
        return this;
    }

    public HtmlPage table(List<String> headers, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        headers.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append(isNumeric(c) ? "<td class=\"num\">" : "<td>").append(escape(c)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n<style>"
                + "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:1em 0}"
                + "th,td{border:1px solid #bbb;padding:4px 8px}th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}"
                + "figure{display:inline-block;margin:0.5em}figcaption{font-size:0.85em;color:#555}img{max-width:560px;border:1px solid #ccc}"
                + ".row{display:flex;flex-wrap:wrap}pre{background:#f6f6f6;padding:0.5em;overflow-x:auto}</style></head>\n<body>\n"
                + body + "</body></html>\n";
    }

    static boolean isNumeric(String s) {
        return s != null && s.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?( ?(%|pp|ms|s|mm|KiB|MiB|x))?");
    }

    static String anchor(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
