/**
 * The extension manifest (package.json) against the shared names: commands,
 * language, task type and settings are the ones the code uses, activation is
 * never "*", and the engine stays at VS Code 1.96.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_FILE_NAME } from '../../shared/contract';
import { COMMANDS, DEFAULT_SERVER_SETTINGS, IMAGE_SCHEME, LANGUAGE_ID, SETTINGS_SECTION, TASK_TYPE } from '../../shared/ids-and-settings';
import { DEFAULT_PRIVILEGE_COMMAND } from '../src/build/argv';
import { GRAMMAR_SCOPE } from '../src/language/grammar';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

/** Flattens {"a": {"b": 1}} into ["a.b"]. */
function leafKeys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? leafKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('client extension manifest', () => {
  it('engine 1.96 and activation only on the language, commands, task type and the image file system', () => {
    assert.equal(pkg.engines.vscode, '^1.96.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.ok(!pkg.activationEvents.includes('*'));
    for (const event of pkg.activationEvents as string[]) {
      assert.match(
        event,
        new RegExp(
          `^(onLanguage:${LANGUAGE_ID}|onCommand:${SETTINGS_SECTION}\\.\\w+|onTaskType:${TASK_TYPE}|onFileSystem:${IMAGE_SCHEME})$`,
        ),
      );
    }
  });

  it('registers the language for image.sh with grammar and snippets that exist', () => {
    const language = contributes.languages.find((l: { id: string }) => l.id === LANGUAGE_ID);
    assert.deepEqual(language.filenames, [IMAGE_FILE_NAME]);
    assert.ok(existsSync(join(ROOT, language.configuration)));
    const grammar = contributes.grammars.find((g: { language: string }) => g.language === LANGUAGE_ID);
    assert.equal(grammar.scopeName, GRAMMAR_SCOPE);
    assert.ok(existsSync(join(ROOT, grammar.path)));
    assert.ok(existsSync(join(ROOT, contributes.snippets[0].path)));
  });

  it('contributes exactly the shared commands, with the build button in the editor title', () => {
    const ids = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(ids, Object.values(COMMANDS).sort());
    assert.ok(contributes.menus['editor/title'].some((m: { command: string }) => m.command === COMMANDS.buildImage));
  });

  it('declares the task type with directory, imgDirBase, noCache and force', () => {
    const task = contributes.taskDefinitions.find((t: { type: string }) => t.type === TASK_TYPE);
    assert.deepEqual(Object.keys(task.properties).sort(), ['directory', 'force', 'imgDirBase', 'noCache']);
  });

  it('offers Build Image (no cache) and the makeimg.cache.enable setting (on by default)', () => {
    const command = contributes.commands.find((c: { command: string }) => c.command === COMMANDS.buildImageNoCache);
    assert.equal(command.title, 'Build Image (no cache)');
    assert.equal(contributes.configuration.properties[`${SETTINGS_SECTION}.cache.enable`].default, true);
  });

  it('a Build Image keybinding for image.sh editors that is no VS Code default (Ctrl+Alt+B toggles the secondary side bar)', () => {
    const [binding] = contributes.keybindings;
    assert.equal(binding.command, COMMANDS.buildImage);
    assert.equal(binding.key, 'ctrl+alt+m');
    assert.match(binding.when, /editorLangId == makeimg/);
    // VS Code's own bindings, as compiled key codes in the workbench of the code-server the e2e tests use.
    const workbench =
      '/var/cache/makeimg-e2e/code-server-4.96.4/node_modules/code-server/lib/vscode/out/vs/code/browser/workbench/workbench.js';
    assert.ok(existsSync(workbench), `${workbench} is missing: run sudo scripts/setup-code-server`);
    const text = readFileSync(workbench, 'utf8');
    const CTRL_CMD = 2048,
      ALT = 512,
      KEY_B = 32,
      KEY_M = 43;
    assert.match(text, new RegExp(`primary:${CTRL_CMD | ALT | KEY_B}[,}]`), 'the check can see a known default (Ctrl+Alt+B)');
    assert.doesNotMatch(text, new RegExp(`(primary|linux|secondary):\\[?${CTRL_CMD | ALT | KEY_M}[,}\\]]`));
    const extensions = join(workbench, '../../../../../../extensions');
    for (const name of readdirSync(extensions)) {
      const manifest = join(extensions, name, 'package.json');
      if (existsSync(manifest)) assert.doesNotMatch(readFileSync(manifest, 'utf8'), /"ctrl\+alt\+m"/i, name);
    }
  });

  it('runs where the files and pkexec are, with an icon for the extension and for image.sh', () => {
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.ok(existsSync(join(ROOT, pkg.icon)));
    const language = contributes.languages.find((l: { id: string }) => l.id === LANGUAGE_ID);
    assert.ok(existsSync(join(ROOT, language.icon.light)) && existsSync(join(ROOT, language.icon.dark)));
    for (const key of ['galleryBanner', 'categories', 'keywords']) assert.ok(pkg[key], key);
    // No repository, bugs or homepage rather than a placeholder that does not exist (issue 12 §5-6):
    // the rule links point into the installed extension.
    for (const key of ['repository', 'bugs', 'homepage']) assert.equal(pkg[key], undefined, key);
    for (const file of ['package.json', 'MARKETPLACE.md'])
      assert.doesNotMatch(readFileSync(join(ROOT, file), 'utf8'), /github\.com\/makeimg\/makeimg-vscode/, file);
  });

  it('contributes every server setting with its default and a description', () => {
    const settings = contributes.configuration.properties as Record<
      string,
      { default: unknown; markdownDescription?: string; description?: string }
    >;
    for (const key of leafKeys(DEFAULT_SERVER_SETTINGS)) {
      const setting = settings[`${SETTINGS_SECTION}.${key}`];
      assert.ok(setting, `${SETTINGS_SECTION}.${key} is not contributed`);
      const expected = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], DEFAULT_SERVER_SETTINGS);
      assert.deepEqual(setting.default, expected, `default of ${key}`);
    }
    for (const [key, setting] of Object.entries(settings)) {
      assert.ok(setting.markdownDescription || setting.description, `${key} has no description`);
    }
    assert.deepEqual(settings[`${SETTINGS_SECTION}.privilegeCommand`]?.default, DEFAULT_PRIVILEGE_COMMAND);
  });

  it('works in restricted mode without trusting program paths from the workspace', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    for (const key of ['shellcheck.path', 'nodePath', 'privilegeCommand']) {
      assert.ok(trust.restrictedConfigurations.includes(`${SETTINGS_SECTION}.${key}`), key);
    }
  });
});
