/**
 * The image.sh contract: the single source of truth for what an image.sh
 * means to makeimg. The language server's rules, completion and hover, the
 * pipeline's validation and the snippet/grammar generators all read this
 * module; no other file repeats these names.
 *
 * Source: the original makeimg README (the format users know), plus the
 * `.tar.zst` suffix this implementation adds.
 */

/** The file name makeimg looks for in the project directory ($src_dir). */
export const IMAGE_FILE_NAME = 'image.sh';

/** Where a hook (or a copy) runs. */
export type Place =
  /** systemd-nspawn with the host `/` volatile, /etc and $src_dir read-only, $img_dir writable. */
  | 'confined-host'
  /** systemd-nspawn -D $img_dir: inside the new rootfs, no access to the build environment. */
  | 'rootfs';

/** The build stages, in order. `index` in progress events is 1-based over this list. */
export const STAGES = ['resolve', 'preinstall', 'install', 'postinstall', 'archive'] as const;
export type StageName = (typeof STAGES)[number];

export interface StageSpec {
  name: StageName;
  title: string;
  doc: string;
}

export const STAGE_SPECS: Record<StageName, StageSpec> = {
  resolve: {
    name: 'resolve',
    title: 'Resolve',
    doc: 'image.sh is evaluated inside the confinement to read `img_name` and the file arrays; `$img_path` and `$img_dir` are computed and must not exist yet.',
  },
  preinstall: {
    name: 'preinstall',
    title: 'Preinstall',
    doc: 'Copies `preinstall_files_src[i]` (relative to `$src_dir`) to `$img_dir/preinstall_files_dst[i]` before `do_install` runs. This stage has no hook.',
  },
  install: {
    name: 'install',
    title: 'Install',
    doc: 'Runs `do_install()` in the confined host environment to install a root filesystem into `$img_dir`.',
  },
  postinstall: {
    name: 'postinstall',
    title: 'Postinstall',
    doc: 'Copies `postinstall_files_src[i]` to `$img_dir/postinstall_files_dst[i]`, then runs `do_postinstall()` inside the new rootfs with systemd-nspawn.',
  },
  archive: {
    name: 'archive',
    title: 'Archive',
    doc: 'Archives `$img_dir` into `$img_path` (compressed by suffix). Without a `.tar*` suffix the directory is kept as the image.',
  },
};

export interface VariableSpec {
  name: string;
  kind: 'scalar' | 'array';
  required: boolean;
  /** The stage that reads it. */
  stage: StageName;
  /** One-line summary (completion detail). */
  summary: string;
  /** Markdown documentation (hover). */
  doc: string;
  /** A short image.sh example. */
  example: string;
}

export interface HookSpec {
  name: string;
  required: boolean;
  stage: StageName;
  runsIn: Place;
  summary: string;
  doc: string;
  /** The body of a skeleton (without the braces), one line per element. */
  skeleton: string[];
}

/** Variables makeimg provides to the build; user assignments are overwritten. */
export interface ProvidedVariableSpec {
  name: string;
  summary: string;
  doc: string;
  /** Where the variable exists. It never exists inside the new rootfs. */
  availableIn: Place[];
  /** A short image.sh example (hover). */
  example?: string;
}

/** How each place is described to users (hover, completion details). */
export const PLACE_DOCS: Record<Place, { title: string; doc: string }> = {
  'confined-host': {
    title: 'confined host',
    doc:
      'a systemd-nspawn container of the host: `/` is volatile, `/etc` and `$src_dir` are read-only, ' +
      'and `$img_dir` is the only writable place',
  },
  rootfs: {
    title: 'inside the new rootfs',
    doc: '`systemd-nspawn -D $img_dir`: inside the image being built, with no access to the build environment',
  },
};

/** A pair of arrays whose elements are copied src[i] -> dst[i] in a stage. */
export interface FileArrayPair {
  stage: 'preinstall' | 'postinstall';
  src: string;
  dst: string;
}

export const IMG_NAME = 'img_name';
/** The archive suffix of examples, the original README's. */
export const EXAMPLE_IMAGE_SUFFIX = '.tar.gz';
/** The img_name value of examples and messages. */
export const EXAMPLE_IMAGE_NAME = `myimage${EXAMPLE_IMAGE_SUFFIX}`;
/** The array of image hygiene check codes (shared/image-report.ts IMAGE_CHECKS) a build does not report. */
export const IMAGE_CHECKS_DISABLE = 'image_checks_disable';
export const DO_INSTALL = 'do_install';
export const DO_POSTINSTALL = 'do_postinstall';
/** The variables makeimg provides (see PROVIDED_VARIABLES). */
export const SRC_DIR = 'src_dir';
export const IMG_DIR = 'img_dir';
export const IMG_PATH = 'img_path';

export const FILE_ARRAY_PAIRS: readonly FileArrayPair[] = [
  { stage: 'preinstall', src: 'preinstall_files_src', dst: 'preinstall_files_dst' },
  { stage: 'postinstall', src: 'postinstall_files_src', dst: 'postinstall_files_dst' },
];

export const VARIABLES: readonly VariableSpec[] = [
  {
    name: IMG_NAME,
    kind: 'scalar',
    required: true,
    stage: 'archive',
    summary: 'File name of the final image (required)',
    doc:
      'The file name of the final system image, relative to `img_dir_base`. ' +
      'The suffix chooses the archive format: `.tar`, `.tar.gz`, `.tar.bz2`, `.tar.xz` or `.tar.zst`. ' +
      'Without a `.tar*` suffix, makeimg leaves the rootfs as a directory.',
    example: `${IMG_NAME}=${EXAMPLE_IMAGE_NAME}`,
  },
  {
    name: 'preinstall_files_src',
    kind: 'array',
    required: false,
    stage: 'preinstall',
    summary: 'Files copied into $img_dir before do_install',
    doc:
      'An array of files, relative to `$src_dir`, copied into `$img_dir` before `do_install` runs. ' +
      'Element *i* is copied to `preinstall_files_dst[i]`.',
    example: 'preinstall_files_src=(pacman.conf)\npreinstall_files_dst=(etc/pacman.conf)',
  },
  {
    name: 'preinstall_files_dst',
    kind: 'array',
    required: false,
    stage: 'preinstall',
    summary: 'Destinations (relative to $img_dir) of preinstall_files_src',
    doc:
      'An array of paths, relative to `$img_dir`, where the elements of `preinstall_files_src` are copied. ' +
      'Must have exactly as many elements as `preinstall_files_src`. Parent directories are created.',
    example: 'preinstall_files_src=(pacman.conf)\npreinstall_files_dst=(etc/pacman.conf)',
  },
  {
    name: 'postinstall_files_src',
    kind: 'array',
    required: false,
    stage: 'postinstall',
    summary: 'Files copied into $img_dir after do_install',
    doc:
      'Like `preinstall_files_src`, but copied in the postinstall stage: after `do_install`, ' +
      'before `do_postinstall`. Element *i* is copied to `postinstall_files_dst[i]`.',
    example: 'postinstall_files_src=(sudoers.d/admin)\npostinstall_files_dst=(etc/sudoers.d/admin)',
  },
  {
    name: 'postinstall_files_dst',
    kind: 'array',
    required: false,
    stage: 'postinstall',
    summary: 'Destinations (relative to $img_dir) of postinstall_files_src',
    doc:
      'An array of paths, relative to `$img_dir`, where the elements of `postinstall_files_src` are copied. ' +
      'Must have exactly as many elements as `postinstall_files_src`. Parent directories are created.',
    example: 'postinstall_files_src=(sudoers.d/admin)\npostinstall_files_dst=(etc/sudoers.d/admin)',
  },
  {
    name: IMAGE_CHECKS_DISABLE,
    kind: 'array',
    required: false,
    stage: 'archive',
    summary: 'Image hygiene checks (MKIMG1xx) not to report',
    doc:
      'Codes of the image hygiene checks that makeimg runs on the finished image (machine-id, caches, logs, ' +
      'SSH host keys...) that this image does not want reported, e.g. `(MKIMG105)` for an image that ships ' +
      'host keys on purpose. A `# makeimg-disable=CODE,...` comment anywhere in image.sh does the same.',
    example: 'image_checks_disable=(MKIMG105 MKIMG107)',
  },
];

export const HOOKS: readonly HookSpec[] = [
  {
    name: DO_INSTALL,
    required: true,
    stage: 'install',
    runsIn: 'confined-host',
    summary: 'Installs the root filesystem into $img_dir (required)',
    doc:
      'Runs the commands that install a root filesystem into `$img_dir`, e.g. `debootstrap`, `pacstrap` ' +
      'or `dnf --installroot`. Runs with `set -e` in a systemd-nspawn container of the host: `/` is ' +
      'volatile, `/etc` and `$src_dir` are read-only, and `$img_dir` is the only writable place. ' +
      '`$src_dir`, `$img_dir` and `$img_path` are set.',
    skeleton: ['mkdir -p "$img_dir"/{bin,etc,lib,var}'],
  },
  {
    name: DO_POSTINSTALL,
    required: false,
    stage: 'postinstall',
    runsIn: 'rootfs',
    summary: 'Runs inside the new rootfs after the postinstall copy',
    doc:
      'Runs with `/bin/bash` and `set -e` **inside the new rootfs** (`systemd-nspawn -D $img_dir`), after ' +
      'the postinstall files are copied: enable services, create users, and so on. It has no access to ' +
      'the build environment: `$src_dir`, `$img_dir` and `$img_path` do not exist there. Functions and ' +
      'top-level variables defined in image.sh are available.',
    skeleton: ['systemctl enable systemd-networkd'],
  },
];

export const PROVIDED_VARIABLES: readonly ProvidedVariableSpec[] = [
  {
    name: SRC_DIR,
    summary: 'Absolute path of the directory containing image.sh (read-only)',
    doc: 'Absolute path to the directory containing the invoked image.sh. Mounted read-only during the build.',
    availableIn: ['confined-host'],
    example: 'do_install()\n{\n    cp "$src_dir/motd" "$img_dir/etc/motd"\n}',
  },
  {
    name: IMG_DIR,
    summary: 'Directory the image rootfs is installed into',
    doc: 'The directory which the image rootfs should be installed into: `$img_path` without its `.tar*` suffix. The only writable place during `do_install`.',
    availableIn: ['confined-host'],
    example: 'do_install()\n{\n    debootstrap bookworm "$img_dir" http://deb.debian.org/debian\n}',
  },
  {
    name: IMG_PATH,
    summary: 'Path of the finished image file',
    doc: 'Path to the finalized image file after archiving and compression: `img_dir_base/img_name`.',
    availableIn: ['confined-host'],
    example: 'do_install()\n{\n    echo "building $img_path from $img_dir"\n}',
  },
];

/** Hooks users write by analogy but that makeimg never calls. */
export const NON_HOOKS: readonly { name: string; reason: string }[] = [
  {
    name: 'do_preinstall',
    reason: 'The preinstall stage only copies files (preinstall_files_src/dst); it has no hook, so do_preinstall never runs.',
  },
];

export interface ImageSuffix {
  suffix: string;
  description: string;
  /**
   * Compressor programs for this suffix, most preferred (multi-threaded)
   * first; the first one found on PATH is used. Empty: plain tar.
   */
  compressors: readonly string[];
}

/** Supported image suffixes. No `.tar*` suffix at all means: keep the directory. */
export const IMAGE_SUFFIXES: readonly ImageSuffix[] = [
  { suffix: '.tar', description: 'uncompressed tar archive', compressors: [] },
  { suffix: '.tar.gz', description: 'gzip-compressed tar archive (pigz when available)', compressors: ['pigz', 'gzip'] },
  { suffix: '.tar.bz2', description: 'bzip2-compressed tar archive', compressors: ['lbzip2', 'pbzip2', 'bzip2'] },
  { suffix: '.tar.xz', description: 'xz-compressed tar archive (multi-threaded)', compressors: ['xz'] },
  { suffix: '.tar.zst', description: 'zstd-compressed tar archive (multi-threaded)', compressors: ['zstd'] },
];

/** What every archive suffix starts with (`.tar`); without it the rootfs stays a directory. */
export const ARCHIVE_SUFFIX_PREFIX = IMAGE_SUFFIXES.map((s) => s.suffix).reduce((a, b) => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
});

export type ImageNameKind =
  | { kind: 'archive'; suffix: ImageSuffix; stem: string }
  | { kind: 'directory' }
  | { kind: 'unsupported'; suffix: string; suggestion?: string };

/** Common archive suffixes makeimg does not produce, with the supported one a user most likely meant. */
const UNSUPPORTED_SUFFIXES: readonly { suffix: string; suggestion?: string }[] = [
  { suffix: '.tgz', suggestion: '.tar.gz' },
  { suffix: '.tbz2', suggestion: '.tar.bz2' },
  { suffix: '.tbz', suggestion: '.tar.bz2' },
  { suffix: '.txz', suggestion: '.tar.xz' },
  { suffix: '.tzst', suggestion: '.tar.zst' },
  { suffix: '.tar.zstd', suggestion: '.tar.zst' },
  { suffix: '.tar.gzip', suggestion: '.tar.gz' },
  { suffix: '.tar.lz4' },
  { suffix: '.tar.lz' },
  { suffix: '.tar.lzma', suggestion: '.tar.xz' },
  { suffix: '.tar.Z' },
  { suffix: '.zip' },
  { suffix: '.7z' },
  { suffix: '.rar' },
  { suffix: '.gz', suggestion: '.tar.gz' },
  { suffix: '.bz2', suggestion: '.tar.bz2' },
  { suffix: '.xz', suggestion: '.tar.xz' },
  { suffix: '.zst', suggestion: '.tar.zst' },
  { suffix: '.img' },
  { suffix: '.iso' },
  { suffix: '.qcow2' },
  { suffix: '.raw' },
];

/**
 * Classify an img_name: a supported archive, a plain directory, or an
 * unsupported archive/disk-image suffix. `.tar.<anything else>` is always
 * unsupported.
 */
export function classifyImageName(name: string): ImageNameKind {
  // Longest supported suffix first (".tar.gz" before ".tar").
  const supported = [...IMAGE_SUFFIXES].sort((a, b) => b.suffix.length - a.suffix.length);
  for (const s of supported) {
    if (name.endsWith(s.suffix) && name.length > s.suffix.length) {
      return { kind: 'archive', suffix: s, stem: name.slice(0, -s.suffix.length) };
    }
  }
  const known = [...UNSUPPORTED_SUFFIXES].sort((a, b) => b.suffix.length - a.suffix.length);
  for (const u of known) {
    if (name.toLowerCase().endsWith(u.suffix.toLowerCase())) {
      return { kind: 'unsupported', suffix: name.slice(-u.suffix.length), suggestion: u.suggestion };
    }
  }
  const tarExt = /\.tar\.[^./]+$/.exec(name);
  if (tarExt) return { kind: 'unsupported', suffix: tarExt[0] };
  return { kind: 'directory' };
}

/** $img_dir for a given $img_path: the path without its `.tar*` suffix. */
export function imageDirFor(imgPath: string): string {
  const c = classifyImageName(imgPath);
  return c.kind === 'archive' ? c.stem : imgPath;
}

export function findVariable(name: string): VariableSpec | undefined {
  return VARIABLES.find((v) => v.name === name);
}

export function findHook(name: string): HookSpec | undefined {
  return HOOKS.find((h) => h.name === name);
}

export function findProvided(name: string): ProvidedVariableSpec | undefined {
  return PROVIDED_VARIABLES.find((v) => v.name === name);
}

/** The config file of the invoking user, relative to their home. */
export const CONFIG_FILE = '.config/makeimg.conf';
/** The config key, and the default when neither argument nor config sets it. */
export const IMG_DIR_BASE_KEY = 'img_dir_base';
/** The config key of the install cache's directory (`--cache-dir` wins). */
export const CACHE_DIR_KEY = 'cache_dir';
export const DEFAULT_IMG_DIR_BASE = './img';
