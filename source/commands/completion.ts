/**
 * Shell completion. Each shell's script is a few lines that call back `mscommerce __complete
 * <words so far>`, so commands, options and their fixed values are read from the one place that
 * defines them, the commander program tree: a new command or option completes without touching a
 * script. Product and offer type IDs come from the last list seen in the tenant, kept in the
 * state directory: a Tab must answer at once, so completion never touches the network or signs in.
 */
import {join} from 'node:path';
import type {Command, Option} from 'commander';
import {DEFAULT_TENANT} from '../config.js';
import type {Scope} from '../commerce/types.js';
import {POLICY_VALUES} from '../commerce/types.js';
import {SWITCH_VALUES, valuesFor} from '../commerce/values.js';
import {SWITCH_NAMES} from '../switches/definitions.js';
import {ExitCode} from '../problems/exitCodes.js';
import {readPrivateFile, writePrivateFile} from '../privateFiles.js';
import {safeText} from '../text/safe.js';
import type {Io} from './output.js';

/**
 * IDs are outside data and end up on a shell's command line: only these characters are ever kept
 * or offered, so no candidate holds anything a shell would expand, split or run (the bash script
 * relies on it: its candidates are split unquoted).
 */
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const FILE = 'completion.json';
const TENANT_KEY = /^[a-z0-9._-]{1,253}$/;
// Bounds on what one list or a partner's many customer tenants can make the file grow to.
const MAX_IDS = 2000;
const MAX_TENANTS = 50;

/** The commands whose arguments are IDs (and, for set, a value after them): what the tree cannot say. */
const ID_ARGUMENTS: Record<string, {scope: Scope; value: boolean}> = {
	'products get': {scope: 'product', value: false},
	'products set': {scope: 'product', value: true},
	'offer-types get': {scope: 'offerType', value: false},
	'offer-types set': {scope: 'offerType', value: true},
	explain: {scope: 'product', value: false},
};

type Remembered = Partial<Record<Scope, string[]>>;
type CompletionFile = {tenants: Record<string, Remembered>};

const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
type Shell = (typeof SHELLS)[number];

function script(shell: Shell, name: string): string {
	const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
	switch (shell) {
		case 'bash':
			// -o default: files when there is nothing to offer (--file, --ca-file, --certificate).
			return `# ${name} completion for bash: add to ~/.bashrc:  eval "$(${name} completion bash)"
${fn}() {
	local IFS=$'\\n'
	COMPREPLY=($(${name} __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F ${fn} ${name}
`;
		case 'zsh':
			return `# ${name} completion for zsh: add to ~/.zshrc, after compinit:  source <(${name} completion zsh)
${fn}() {
	local -a candidates
	candidates=("\${(@f)$(${name} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
	if [[ -n "\${candidates[1]}" ]]; then compadd -- "\${candidates[@]}"; else _files; fi
}
compdef ${fn} ${name}
`;
		case 'fish':
			return `# ${name} completion for fish: ${name} completion fish > ~/.config/fish/completions/${name}.fish
function __${name}_complete
	set -l words (commandline -opc)
	set -e words[1]
	${name} __complete $words (commandline -ct) 2>/dev/null
end
complete -c ${name} -f -a "(__${name}_complete)"
`;
		case 'powershell':
			return `# ${name} completion for PowerShell: add to $PROFILE:  ${name} completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ${name} -ScriptBlock {
	param($wordToComplete, $commandAst, $cursorPosition)
	$words = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })
	# PowerShell before 7.3 drops an empty argument to a native command; quoted, it arrives empty.
	$current = if ($wordToComplete -eq '' -and $PSVersionTable.PSVersion -lt [version]'7.3') { '""' } else { $wordToComplete }
	${name} __complete @words $current 2>$null | ForEach-Object {
		[System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
	}
}
`;
	}
}

/** `mscommerce completion <shell>`: prints the script that makes the shell complete mscommerce. */
export async function completionCommand(io: Io, shell: string, program: Command): Promise<number> {
	const wanted = shell.toLowerCase() === 'pwsh' ? 'powershell' : shell.toLowerCase();
	const known = SHELLS.find(s => s === wanted);
	if (!known) {
		io.stderr.write(`error: no completion for the shell "${safeText(shell)}": use bash, zsh, fish or powershell\n`);
		return ExitCode.usage;
	}
	io.stdout.write(script(known, program.name()));
	return ExitCode.ok;
}

function tenantKey(tenant: string): string {
	return tenant.toLowerCase();
}

/** The file as kept, with anything malformed or unsafe in it left out; empty when there is none. */
async function readRemembered(stateDir: string): Promise<CompletionFile> {
	const empty: CompletionFile = {tenants: {}};
	let parsed: unknown;
	try {
		const text = await readPrivateFile(join(stateDir, FILE));
		if (text === undefined) return empty;
		parsed = JSON.parse(text);
	} catch {
		// A completion never fails a Tab: an unreadable file (or a link there) is as if none was seen.
		return empty;
	}
	const tenants = (parsed as {tenants?: unknown} | null)?.tenants;
	if (typeof tenants !== 'object' || tenants === null) return empty;
	const result: CompletionFile = {tenants: {}};
	for (const [tenant, entry] of Object.entries(tenants)) {
		// Tenants are domains, GUIDs or organizations: anything else (`__proto__` included) is not ours.
		if (!TENANT_KEY.test(tenant) || typeof entry !== 'object' || entry === null) continue;
		const kept: Remembered = {};
		for (const scope of ['product', 'offerType'] as const) {
			const ids: unknown = (entry as Record<string, unknown>)[scope];
			if (Array.isArray(ids)) kept[scope] = safeIds(ids);
		}
		result.tenants[tenant] = kept;
	}
	return result;
}

function safeIds(ids: readonly unknown[]): string[] {
	return [...new Set(ids.filter((id): id is string => typeof id === 'string' && SAFE_ID.test(id)))].slice(0, MAX_IDS);
}

/**
 * Keeps the IDs a list showed, for completing `get` and `set` later. `tenant` is the tenant as the
 * settings name it (`--tenant`, MSCOMMERCE_TENANT or organizations), which is what a completion
 * reads off the command line being completed.
 */
export async function rememberForCompletion(stateDir: string, scope: Scope, ids: string[], tenant: string = DEFAULT_TENANT): Promise<void> {
	const file = await readRemembered(stateDir);
	const key = tenantKey(tenant);
	const entry: Remembered = {...(Object.hasOwn(file.tenants, key) ? file.tenants[key] : {}), [scope]: safeIds(ids)};
	// The tenant just listed goes last, so the oldest is the one dropped past MAX_TENANTS.
	const others = Object.entries(file.tenants).filter(([t]) => t !== key);
	const tenants = Object.fromEntries([...others.slice(Math.max(0, others.length - (MAX_TENANTS - 1))), [key, entry]]);
	await writePrivateFile(join(stateDir, FILE), `${JSON.stringify({tenants} satisfies CompletionFile)}\n`);
}

function takesValue(option: Option): boolean {
	return option.required || option.optional;
}

/** The option a word names, on the command or any command above it (global options). */
function findOption(command: Command, word: string): Option | undefined {
	for (let c: Command | null = command; c; c = c.parent) {
		const found = c.options.find(o => o.long === word || o.short === word);
		if (found) return found;
	}
	return undefined;
}

/** A fixed set of values (commander's choices), one spelling each: `--scope` lists OfferType only for typing. */
function optionValues(option: Option | undefined): string[] {
	const seen = new Set<string>();
	return (option?.argChoices ?? []).filter(v => !seen.has(v.toLowerCase()) && Boolean(seen.add(v.toLowerCase())));
}

function commandPath(command: Command): string {
	const names: string[] = [];
	for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
	return names.join(' ');
}

type Position = {
	command: Command;
	positionals: string[];
	/** Options given, by attribute name (`--tenant x` → tenant: x). */
	given: Map<string, string | true>;
	/** The last word is an option still waiting for its value. */
	pending?: Option;
	/** After `help`: only command names are completed. */
	help: boolean;
};

/** Where the words before the one being completed leave the command line. */
function walk(program: Command, words: string[]): Position {
	const at: Position = {command: program, positionals: [], given: new Map(), help: false};
	let onlyArguments = false;
	for (const word of words) {
		if (at.pending) {
			at.given.set(at.pending.attributeName(), word);
			at.pending = undefined;
		} else if (!onlyArguments && word === '--') {
			onlyArguments = true;
		} else if (!onlyArguments && word.startsWith('-') && word.length > 1) {
			const [name = word, value] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word];
			const option = findOption(at.command, name);
			if (!option) continue;
			if (value !== undefined) at.given.set(option.attributeName(), value);
			else if (takesValue(option)) at.pending = option;
			else at.given.set(option.attributeName(), true);
		} else {
			const first = at.positionals.length === 0;
			// `help products …` walks the tree like `products …`, whether commander's help command is implicit or declared.
			const sub = first ? at.command.commands.find(c => c.name() !== 'help' && (c.name() === word || c.aliases().includes(word))) : undefined;
			if (sub) at.command = sub;
			else if (first && word === 'help' && !at.help && at.command.commands.length > 0) at.help = true;
			else at.positionals.push(word);
		}
	}
	return at;
}

/** The long options of a command and of every command above it, as its help lists them. */
function optionNames(at: Position): string[] {
	const names = new Set<string>();
	for (let c: Command | null = at.command; c; c = c.parent) {
		for (const option of c.createHelp().visibleOptions(c)) {
			if (option.long && !(option.long !== '--help' && at.given.has(option.attributeName()))) names.add(option.long);
		}
	}
	return [...names];
}

async function argumentCandidates(at: Position, stateDir: string): Promise<string[]> {
	const visible = at.command.createHelp().visibleCommands(at.command);
	if (at.help) return visible.map(c => c.name()).filter(n => n !== 'help');
	if (visible.length > 0) return visible.map(c => c.name());
	const path = commandPath(at.command);
	if (path === 'completion') return at.positionals.length === 0 ? [...SHELLS] : [];
	// The tenant-wide switches: their names, then on / off (docs/switches.md).
	if (path === 'switches get') return at.positionals.length === 0 ? [...SWITCH_NAMES] : [];
	if (path === 'switches set') return at.positionals.length === 0 ? [...SWITCH_NAMES] : at.positionals.length === 1 ? [...SWITCH_VALUES] : [];
	const ids = ID_ARGUMENTS[path];
	if (!ids) return [];
	const values = valuesFor({scope: ids.scope, trialWithoutPaymentMethod: ids.scope === 'product'});
	const hasValue = at.positionals.some(p => POLICY_VALUES.some(v => v.toLowerCase() === p.toLowerCase()));
	if (hasValue) return [];
	// `set --match TEXT <value>`: the only argument is the value.
	if (ids.value && at.given.has('match')) return at.positionals.length === 0 ? values : [];
	if (!ids.value && at.positionals.length > 0) return [];
	const tenantFlag = at.given.get('tenant');
	const tenant = typeof tenantFlag === 'string' ? tenantFlag : process.env.MSCOMMERCE_TENANT || DEFAULT_TENANT;
	const file = await readRemembered(stateDir);
	const key = tenantKey(tenant);
	const known = (Object.hasOwn(file.tenants, key) ? file.tenants[key]?.[ids.scope] : undefined) ?? [];
	const unused = known.filter(id => !at.positionals.includes(id));
	return ids.value && at.positionals.length > 0 ? [...unused, ...values] : unused;
}

/**
 * `mscommerce __complete <words...>`: the candidates for the last word (empty when a new word is
 * begun), one per line. Prints nothing rather than fail: whatever it prints lands in a shell.
 */
export async function completeCommand(io: Io, words: string[], program: Command, stateDir: string): Promise<number> {
	const before = [...words];
	let current = before.pop() ?? '';
	let valueOf: string | undefined;
	let prefix = '';
	// bash splits `--output=js` into `--output`, `=`, `js` (and `--output=` into `--output`, `=`).
	if (current === '=' && before.at(-1)?.startsWith('--')) {
		valueOf = before.pop();
		current = '';
	} else if (before.at(-1) === '=' && before.at(-2)?.startsWith('--')) {
		before.pop();
		valueOf = before.pop();
	} else if (/^--[^=]+=/.test(current)) {
		// zsh, fish and PowerShell keep `--output=js` whole: the candidates must be whole too.
		valueOf = current.slice(0, current.indexOf('='));
		prefix = `${valueOf}=`;
		current = current.slice(prefix.length);
	}
	const joined: string[] = [];
	for (const word of before) {
		const last = joined.at(-1);
		if (word === '=' && last?.startsWith('--')) joined[joined.length - 1] = `${last}=`;
		else if (last?.startsWith('--') && last.endsWith('=')) joined[joined.length - 1] = `${last}${word}`;
		else joined.push(word);
	}

	let candidates: string[];
	try {
		const at = walk(program, joined);
		if (valueOf !== undefined) candidates = optionValues(findOption(at.command, valueOf));
		else if (at.pending) candidates = optionValues(at.pending);
		else if (current.startsWith('-') && !at.help) candidates = optionNames(at);
		else candidates = await argumentCandidates(at, stateDir);
	} catch {
		candidates = [];
	}
	// In any case, as the program reads values and IDs (`-o CSV`, `products get cfq7…`); the shell puts the candidate's spelling.
	const matching = candidates.filter(c => c.toLowerCase().startsWith(current.toLowerCase())).map(c => `${prefix}${c}`);
	if (matching.length > 0) io.stdout.write(`${matching.join('\n')}\n`);
	return ExitCode.ok;
}
