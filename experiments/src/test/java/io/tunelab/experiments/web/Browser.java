package io.tunelab.experiments.web;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Debian's headless chromium driven by Debian's chromedriver, so Selenium Manager never
 * downloads anything. Adds what the web tests need on top of WebDriver: waiting for a
 * condition, counting drawn pixels in charts, screenshots, and the page's console errors.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final List<String> console = new ArrayList<>();

    Browser() {
        var options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--hide-scrollbars", "--window-size=1280,800");
        var logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    void open(String url) {
        driver.get(url);
    }

    /** Makes every request whose URL matches one of {@code patterns} ({@code *} for any text) fail, until called again with none. */
    void block(String... patterns) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of(patterns)));
    }

    /**
     * Logs in as the server prints it: opens {@code /login#token=…}, which the page exchanges
     * for a session cookie, and waits until the experiments page shows instead of the login form.
     */
    void login(String serverUrl, String token) {
        driver.get("about:blank");
        driver.get(serverUrl + "/login#token=" + token);
        await("the login", () -> (Boolean) js("return location.hash === '#/' && !document.querySelector('form.login') "
                + "&& document.getElementById('app').childElementCount > 0"));
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Scrolls the element to the middle of the window, clear of the sticky top bar, and clicks it as a user would. */
    void click(String css) {
        WebElement element = find(css);
        js("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    /** One attribute of every element matching {@code css}, read in one go so a re-render cannot interleave. */
    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String attribute) {
        return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css, attribute);
    }

    /** The text of every element matching {@code css}, read in one go. */
    @SuppressWarnings("unchecked")
    List<String> texts(String css) {
        return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())", css);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Waits until the supplier answers true (or non-null), re-asking every 100 ms; fails with what it waited for.
     * Live updates re-render tables under the test, so an element found in one poll may be gone in the next:
     * such a poll is simply asked again.
     */
    <T> T await(String what, Supplier<T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .withMessage(() -> "waiting for " + what + " on " + driver.getCurrentUrl())
                .until(d -> {
                    T v = condition.get();
                    return v instanceof Boolean b ? (b ? v : null) : v;
                });
    }

    /** The text of the element, or null while it is not on the page (so awaits can poll it). */
    String text(String css) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : null", css);
    }

    /**
     * How many pixels in the canvases under {@code css} carry colour (channel spread above 60).
     * Axes, grid and labels are grey; only data (points, lines) is coloured, so an empty chart
     * counts 0 however its axes look.
     */
    long colouredPixels(String css) {
        Object n = js("""
                let n = 0;
                for (const c of document.querySelectorAll(arguments[0] + ' canvas')) {
                  if (!c.width || !c.height) continue;
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
                  }
                }
                return n;""", css);
        return ((Number) n).longValue();
    }

    /** Saves a screenshot of the whole page (the window grown to the page's height) as target/screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
        size(before.getWidth(), (int) Math.min(6000, Math.max(before.getHeight(), height + 120)));
        try {
            Thread.sleep(300);
            Files.createDirectories(SCREENSHOTS);
            Path out = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            size(before.getWidth(), before.getHeight());
        }
    }

    /** Console messages at SEVERE since the last call, other than failed resource loads (a 404 the UI expects). */
    List<String> scriptErrors() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(e.getLevel() + " " + e.getMessage());
        }
        var errors = console.stream()
                .filter(m -> m.startsWith("SEVERE") && !m.contains("Failed to load resource"))
                .toList();
        console.clear();
        return errors;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
