/**
 * The few characters the dashboard draws that a console font may lack: the spinner (braille),
 * the dialog's pointer (❯) and the mark of a marked row (●). Windows' console host with its
 * default fonts (Consolas, Lucida Console) has neither braille nor ❯, and shows them as boxes; so
 * does the Linux virtual console (TERM=linux). There the dashboard draws ASCII instead. Everything
 * else it draws (box lines, arrows, …, ›) is in the fonts of every console (Windows Glyph List 4).
 *
 * The terminals known to have them (Windows Terminal, VS Code, ConEmu, JetBrains, any xterm-like
 * TERM) are detected the way is-unicode-supported does; MSCOMMERCE_GLYPHS=ascii or =unicode says
 * it outright.
 */
export type Glyphs = {spinner: readonly string[]; pointer: string; mark: string};

const UNICODE: Glyphs = {spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'], pointer: '❯', mark: '●'};
const ASCII: Glyphs = {spinner: ['|', '/', '-', '\\'], pointer: '>', mark: '*'};

/** Whether the terminal this runs in can be trusted to draw braille, ❯ and ●. */
export function fullGlyphs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
	const said = env.MSCOMMERCE_GLYPHS?.trim().toLowerCase();
	if (said === 'ascii') return false;
	if (said === 'unicode') return true;
	if (platform !== 'win32') return env.TERM !== 'linux';
	return Boolean(
		env.WT_SESSION || // Windows Terminal
			env.TERMINUS_SUBLIME ||
			env.ConEmuTask === '{cmd::Cmder}' ||
			env.TERM_PROGRAM === 'vscode' ||
			env.TERMINAL_EMULATOR === 'JetBrains-JediTerm' ||
			env.TERM === 'xterm-256color' ||
			env.TERM === 'alacritty' ||
			env.TERM === 'rxvt-unicode' ||
			env.TERM === 'rxvt-unicode-256color',
	);
}

export function glyphsFor(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Glyphs {
	return fullGlyphs(env, platform) ? UNICODE : ASCII;
}

/** This process's: its terminal does not change while it runs. */
export const GLYPHS: Glyphs = glyphsFor();
