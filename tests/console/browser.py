"""Debian's chromium, driven by selenium through Debian's chromium-driver: the console as
a teller's PC and a phone show it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.console.conftest import PASSWORD

TELLER_PC = (1366, 768)
PHONE = (390, 844)
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def new_chrome(size: tuple[int, int] = TELLER_PC) -> WebDriver:
    """A headless chromium of the given window size (the driver path given: nothing is
    downloaded)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromedriver") is None:
        pytest.fail(
            "chromium and chromium-driver are not installed (apt install chromium "
            "chromium-driver); scripts/dev.sh installs them"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={size[0]},{size[1]}",
        "--lang=en-GB",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(*size)
    return driver


def wait(driver: WebDriver, condition, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(condition)


def log_in(driver: WebDriver, url: str, name: str, password: str = PASSWORD) -> None:
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login").click()
    wait(driver, lambda d: "/login" not in d.current_url)


def text_of(driver: WebDriver, element_id: str) -> str:
    try:
        return str(driver.find_element(By.ID, element_id).text)
    except Exception:  # replaced by a live update between find and read
        return ""


def fits_width(driver: WebDriver) -> bool:
    """Nothing on the page needs a horizontal scroll bar."""
    return bool(
        driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;"
        )
    )
