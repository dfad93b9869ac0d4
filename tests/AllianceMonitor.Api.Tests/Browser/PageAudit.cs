using OpenQA.Selenium;

namespace AllianceMonitor.Api.Tests.Browser;

/// <summary>
/// Checks on the rendered page that a reviewer would otherwise do by hand: every control has a label, the canvas has
/// a text alternative, text meets WCAG AA contrast against the background it is actually drawn on, nothing needs
/// sideways scrolling from 768 px (tablet) up, tables included, and the first Tab reaches the skip link, which moves
/// focus to the content.
/// </summary>
public static class PageAudit
{
    private const string Script = """
        var problems = [];
        function describe(el) { return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''); }
        function rgba(text) { var m = text.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; }
        function luminance(c) {
          var v = [c.r, c.g, c.b].map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
          return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
        }
        function background(el) {
          for (var e = el; e; e = e.parentElement) {
            var c = rgba(getComputedStyle(e).backgroundColor);
            if (c.a > 0.5) { return c; }
          }
          return { r: 255, g: 255, b: 255, a: 1 };
        }

        document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(function (el) {
          if (el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) { problems.push('no label: ' + describe(el)); }
        });
        document.querySelectorAll('canvas, img').forEach(function (el) {
          if (!el.getAttribute('aria-label') && !el.getAttribute('alt')) { problems.push('no text alternative: ' + describe(el)); }
        });
        document.querySelectorAll('body *').forEach(function (el) {
          var own = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim().length > 0; });
          var style = getComputedStyle(el);
          if (!own || style.visibility === 'hidden' || el.getClientRects().length === 0 || el.closest('.visually-hidden, .skip, option')) { return; }
          var fg = luminance(rgba(style.color)), bg = luminance(background(el));
          var ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          var size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
          var needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
          if (ratio < needed) { problems.push('contrast ' + ratio.toFixed(2) + ' < ' + needed + ': ' + describe(el)); }
        });
        if (document.documentElement.scrollWidth > window.innerWidth + 1) {
          problems.push('sideways scrolling: page is ' + document.documentElement.scrollWidth + 'px wide in a ' + window.innerWidth + 'px window');
        }
        document.querySelectorAll('.table-scroll').forEach(function (el) {
          if (window.innerWidth >= 768 && el.scrollWidth > el.clientWidth + 1) { problems.push('table needs sideways scrolling at ' + window.innerWidth + 'px: ' + describe(el.firstElementChild)); }
        });
        if (!document.documentElement.lang) { problems.push('no lang on html'); }
        if (document.querySelectorAll('h1').length !== 1) { problems.push('expected one h1, found ' + document.querySelectorAll('h1').length); }
        return problems;
        """;

    public static void AssertAccessible(IWebDriver driver)
    {
        AssertContentRules(driver);

        // Keyboard: on a freshly loaded page the first Tab lands on the skip link, and following it puts focus on the
        // page's content.
        var url = driver.Url;
        driver.Navigate().GoToUrl(url);
        AssertSkipLinkFirst(driver);

        // Leave the page as it was found (the skip link added #main to the address): loaded afresh, nothing focused.
        driver.Navigate().GoToUrl(url);
    }

    /// <summary>Labels, text alternatives, contrast, no sideways scrolling, lang and one h1, on the page as it is now.</summary>
    public static void AssertContentRules(IWebDriver driver)
    {
        var problems = ((IJavaScriptExecutor)driver).ExecuteScript(Script) as IReadOnlyCollection<object> ?? [];
        Assert.True(problems.Count == 0, $"{driver.Url} at {driver.Manage().Window.Size.Width}px: {string.Join("; ", problems)}");
    }

    /// <summary>
    /// On a page just loaded (a form step answered to a POST cannot be loaded again by its address), the first Tab
    /// reaches the skip link and following it focuses the content. Focus stays there.
    /// </summary>
    public static void AssertSkipLinkFirst(IWebDriver driver)
    {
        new OpenQA.Selenium.Interactions.Actions(driver).SendKeys(Keys.Tab).Perform();
        Assert.Equal("skip", driver.SwitchTo().ActiveElement().GetAttribute("class"));
        driver.SwitchTo().ActiveElement().SendKeys(Keys.Enter);
        Assert.Equal("main", driver.SwitchTo().ActiveElement().GetAttribute("id"));
    }
}
