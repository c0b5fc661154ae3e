// How the browser tests launch Chromium: Debian's own build (playwright-core brings no
// browser), headless, and quiet: no sandbox (tests run as root in a container), no GPU,
// no QUIC, and none of the background traffic (updates, sync, first-run pages) that
// would race the test's own requests.

/** Launch options for playwright-core's `chromium.launch`. */
export interface ChromiumLaunch {
  readonly executablePath: string;
  readonly args: string[];
}

/** Options for `chromium.launch(headlessChromium())`; a fresh object each call. */
export function headlessChromium(): ChromiumLaunch {
  return {
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  };
}
