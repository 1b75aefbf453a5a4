import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/**
 * Which Chromium the browser tests drive, found without downloading anything: `PEERPATH_CHROMIUM` if set,
 * else a Chrome or Chromium installed on the system, else the headless Chromium shipped (brotli-compressed)
 * inside the npm package `@sparticuz/chromium`, unpacked once into the temp directory. Where none of these
 * can run, the error says what to install: a browser test fails, it never skips.
 */

/** The flags every launch gets, whichever browser: no sandbox (containers, root), nothing phoning home. */
export const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export const SYSTEM_BROWSERS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  ],
};

export const INSTALL_HINT =
  'No browser for the browser tests. Install Chromium or Google Chrome ' +
  '(Debian/Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`; ' +
  'macOS: `brew install --cask google-chrome` or `brew install --cask chromium`), ' +
  'or set PEERPATH_CHROMIUM to the path of a Chrome or Chromium executable. ' +
  'The Chromium packaged in @sparticuz/chromium runs on Linux x64 only';

export interface FoundBrowser {
  executablePath: string;
  source: 'PEERPATH_CHROMIUM' | 'system' | '@sparticuz/chromium';
  /** Extra environment the executable needs (the packaged one: its fonts and libraries). */
  env: Record<string, string>;
}

export interface FindBrowserOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Ignore PEERPATH_CHROMIUM and the system browsers (also `PEERPATH_BROWSER_SKIP_SYSTEM=1`). */
  skipSystem?: boolean;
  platform?: NodeJS.Platform;
  arch?: string;
}

export async function findBrowser(options: FindBrowserOptions = {}): Promise<FoundBrowser> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const skipSystem = options.skipSystem ?? env.PEERPATH_BROWSER_SKIP_SYSTEM === '1';
  if (!skipSystem) {
    const configured = env.PEERPATH_CHROMIUM;
    if (configured) {
      if (!existsSync(configured))
        throw new Error(`PEERPATH_CHROMIUM=${configured} does not exist. ${INSTALL_HINT}.`);
      return { executablePath: configured, source: 'PEERPATH_CHROMIUM', env: {} };
    }
    const installed = (SYSTEM_BROWSERS[platform] ?? []).find((path) => existsSync(path));
    if (installed) return { executablePath: installed, source: 'system', env: {} };
  }
  if (platform !== 'linux' || arch !== 'x64') {
    throw new Error(`${INSTALL_HINT}; this machine is ${platform} ${arch}.`);
  }
  return unpackPackagedChromium();
}

let unpacking: Promise<FoundBrowser> | undefined;

/**
 * Unpacks @sparticuz/chromium into a directory of its own version (staged, then renamed into place, so test
 * files starting at once in parallel never run a half-written binary), with the fonts and the NSS libraries
 * it ships for Amazon Linux (which a bare Linux may lack).
 */
function unpackPackagedChromium(): Promise<FoundBrowser> {
  unpacking ??= (async () => {
    const require = createRequire(import.meta.url);
    const packageDir = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
    const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    const home = join(tmpdir(), `peerpath-chromium-${version}-${userInfo().uid}`);
    if (!existsSync(join(home, 'chromium'))) {
      await mkdir(dirname(home), { recursive: true });
      const staging = await mkdtemp(`${home}.staging-`);
      try {
        await inflateInto(staging);
        await rename(staging, home).catch((error: NodeJS.ErrnoException) => {
          // Another test file unpacked it first: use theirs.
          if (!existsSync(join(home, 'chromium'))) throw error;
        });
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    }
    // Also for a copy unpacked before this config existed.
    if (!existsSync(join(home, FONT_CONFIG))) await writeFontConfig(home);
    return {
      executablePath: join(home, 'chromium'),
      source: '@sparticuz/chromium',
      env: {
        FONTCONFIG_FILE: join(home, FONT_CONFIG),
        LD_LIBRARY_PATH: [join(home, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      },
    };
  })();
  unpacking.catch(() => {
    unpacking = undefined;
  });
  return unpacking;
}

const FONT_CONFIG = 'peerpath-fonts.conf';

/**
 * The package's own fonts.conf names Lambda's directories (/var/task/fonts, /tmp/fonts), not where the fonts
 * were unpacked; with no font found, this Chromium aborts (`SkFontMgr_FontConfigInterface … Not implemented`)
 * on the first form control it draws. So a config of our own names the unpacked fonts and a cache beside them.
 */
async function writeFontConfig(home: string): Promise<void> {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  // Written aside, then renamed: a test file starting at the same time never reads half a file.
  const aside = join(home, `${FONT_CONFIG}.${process.pid}`);
  await writeFile(
    aside,
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      `  <dir>${xml(join(home, 'fonts', 'fonts'))}</dir>`,
      `  <cachedir>${xml(join(home, 'fonts-cache'))}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  await rename(aside, join(home, FONT_CONFIG));
}

/**
 * The package unpacks into os.tmpdir() and adds its libraries only where it believes it is on Lambda
 * (AWS_EXECUTION_ENV); both are read synchronously when executablePath() is called, so they are pointed at
 * the staging directory for that call only and restored before anything else runs. It is imported here,
 * not at the top, because its import on Lambda rewrites process.env (LD_LIBRARY_PATH, FONTCONFIG_PATH, HOME).
 */
async function inflateInto(staging: string): Promise<void> {
  const { default: Chromium } = await import('@sparticuz/chromium');
  const saved = { TMPDIR: process.env.TMPDIR, AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV };
  process.env.TMPDIR = staging;
  process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';
  let pending: Promise<string>;
  try {
    pending = Chromium.executablePath();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const path = await pending;
  if (path !== join(staging, 'chromium'))
    throw new Error(`@sparticuz/chromium unpacked to ${path}, not ${staging}`);
}

/** Launches the browser findBrowser() picks, headless, with LAUNCH_FLAGS. */
export async function launchBrowser(options: FindBrowserOptions = {}): Promise<Browser> {
  const found = await findBrowser(options);
  try {
    return await chromium.launch({
      executablePath: found.executablePath,
      args: LAUNCH_FLAGS,
      env: { ...process.env, ...found.env } as Record<string, string>,
    });
  } catch (error) {
    throw new Error(
      `Could not start ${found.source} Chromium at ${found.executablePath}. ${INSTALL_HINT}.\n${(error as Error).message}`,
      { cause: error },
    );
  }
}
