#!/usr/bin/env python3
"""test_page.py - the web view in a real browser (headless Chromium).

Starts `backprop examples/apple_orange.bp --serve 0` with its standard input
a pipe this test writes statements to, opens the URL it prints, and checks
what a student in the classroom would see: the figure's labels, a slider
that changes them, a statement typed at the prompt reaching the page, the
backward pass stepped through, the same gradients as :grad, and a slider
whose leaf was typed far outside its range following it there.

Every wait is for an event (an element, a text), with a cap only so that a
broken build fails instead of hanging: no sleeps, no timing in the checks.

usage: test_page.py BACKPROP EXAMPLES_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CAP = 60  # seconds before a wait that never ends is a failure


def labels(driver):
    """The figure's text labels, in document order (read in one script: the
    figure is replaced whole when the session changes)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#figure svg text')].map(t => t.textContent)")


def read_until(proc, pattern):
    """Lines of backprop's output up to the first that matches pattern."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if re.search(pattern, line):
            return seen
    raise AssertionError("backprop ended before printing %r:\n%s" % (pattern, "".join(seen)))


def main():
    backprop, examples = sys.argv[1], sys.argv[2]
    proc = subprocess.Popen([backprop, os.path.join(examples, "apple_orange.bp"), "--serve", "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    url = re.search(r"http://\S+", "".join(read_until(proc, r"serving at"))).group(0)
    options = webdriver.ChromeOptions()
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1300,900"]:
        options.add_argument(arg)
    profile = tempfile.TemporaryDirectory()
    options.add_argument("--user-data-dir=" + profile.name)
    driver = webdriver.Chrome(options=options)
    wait = WebDriverWait(driver, CAP)
    failures = []

    def check(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    try:
        driver.get(url)
        wait.until(lambda d: "715" in labels(d))
        first = labels(driver)
        check("2.2" in first and "650" in first, "the figure shows the book's numbers 715, 2.2, 650")

        # A slider moved as a hand would: the figure and the table follow.
        slider = driver.find_element(By.ID, "leaf-apple")
        driver.execute_script(
            "arguments[0].value = 150; arguments[0].dispatchEvent(new Event('input'))", slider)
        wait.until(lambda d: "825" in labels(d))
        check("825" in labels(driver), "apple moved to 150 by its slider: price 825 in the figure")
        said = "".join(read_until(proc, r"price = 825"))
        check("apple = 150 (from the page)" in said, "the terminal says the page set apple")

        # A statement at the prompt reaches the open page, pushed.
        proc.stdin.write("tax = 1.2\n")
        proc.stdin.flush()
        wait.until(lambda d: "900" in labels(d))
        check(True, "tax = 1.2 typed at the prompt: the page shows price 900")

        # The backward pass, one step at a time.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        wait.until(lambda d: d.find_element(By.ID, "stepno").text.startswith("step 1 of"))
        trace = driver.find_element(By.ID, "trace").text
        check(trace.startswith("step 1:"), "step 1 shows its :trace text")
        driver.find_element(By.ID, "next").click()
        wait.until(lambda d: d.find_element(By.ID, "stepno").text.startswith("step 2 of"))
        check(driver.find_element(By.ID, "trace").text.startswith("step 2:"), "▶ goes to step 2")

        # The gradient table says what :grad says.
        proc.stdin.write(":grad\n")
        proc.stdin.flush()
        grad = "".join(read_until(proc, r"∂price/∂tax"))
        wanted = dict(re.findall(r"(∂price/∂\w+) = (\S+)", grad))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grads tr")) == len(wanted))
        shown = dict(driver.execute_script(
            "return [...document.querySelectorAll('#grads tr')].map("
            "r => [r.cells[0].textContent, r.cells[1].textContent])"))
        check(shown == wanted, "the gradient table equals :grad (%s)" % wanted)

        # A value typed far outside a slider's range: the slider moves its range to it.
        proc.stdin.write("apple = 5000\n")
        proc.stdin.flush()
        wait.until(lambda d: d.find_element(By.ID, "num-apple").get_attribute("value") == "5000")
        slider = driver.find_element(By.ID, "leaf-apple")
        check(slider.get_attribute("value") == "5000" and
              float(slider.get_attribute("max")) >= 5000,
              "apple = 5000 typed: its slider reaches it (value %s, max %s)" %
              (slider.get_attribute("value"), slider.get_attribute("max")))

        # An expanded sigmoid is four circles: the page steps through four steps, as
        # --steps draws four frames, though :trace counts one node.
        proc.stdin.write("y = sigmoid(tax)\n")
        proc.stdin.flush()
        wait.until(lambda d: d.find_element(By.ID, "stepno").text == "the 1 step")
        driver.find_element(By.ID, "expand").click()
        wait.until(lambda d: d.find_element(By.ID, "stepno").text == "all 4 steps")
        driver.find_element(By.ID, "next").click()
        wait.until(lambda d: d.find_element(By.ID, "stepno").text.startswith("step 1 of"))
        check(driver.find_element(By.ID, "stepno").text == "step 1 of 4",
              "expanded sigmoid: step 1 of 4 (%s)" % driver.find_element(By.ID, "stepno").text)
    finally:
        driver.quit()
        proc.stdin.close()
        proc.wait(timeout=CAP)
    if failures:
        print("%d of the browser checks failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
