/**
 * Reading YAML that comes from outside (a baseline, a tenants file) the one careful way: yaml's
 * parser with the limits it lacks, every problem with its path and line, and nothing a hostile file
 * can turn into a hang or a gigabyte (docs/architecture.md, Files from outside). What a document
 * means is its reader's business (commerce/baseline.ts, fleet/tenantsFile.ts); this module only
 * says whether it is plain, bounded YAML and where each part is.
 */
import {Composer, isAlias, isCollection, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit, type CST, type Document, type Node, type YAMLMap} from 'yaml';
import {safeText} from '../text/safe.js';

/**
 * What a file read here may be. Real ones are a few KB and a few levels deep with no aliases;
 * these bounds leave room for any real file and stop a hostile one (/dev/zero, `[[[[…` a million
 * deep, an alias bomb, a megabyte of mistakes) within a second or two, as a usage error.
 */
export const YAML_LIMITS = {
	/** The file or stdin: nothing past this is read. */
	bytes: 1024 * 1024,
	/** Collections inside collections, the value at the bottom included. */
	depth: 16,
	/** Aliases (`*name`) in the whole file; each may only repeat a value, never a list or mapping. */
	aliases: 100,
	/** YAML syntax errors listed: after that many, the rest is noise (and reading stops). */
	syntaxErrors: 100,
	/**
	 * Keys and list items in the whole file. yaml keeps about 1 KB per entry while it reads: a
	 * megabyte of `[a,a,a,…` would hold half a gigabyte.
	 */
	entries: 50_000,
	/** The longest key YAML allows without `? ` (the spec's limit for implicit keys). */
	keyChars: 1024,
} as const;

export type FileProblem = {
	/** Dotted path in the file (`products.except.CFQ7TTC0H9MP`, `tenants.2.account`); empty for the file as a whole. */
	path: string;
	message: string;
	/** 1-based line in the file, where known. */
	line?: number;
};

/** How the limits' problems name the kind of file, in the reader's words. */
export type FileWords = {
	/** "a baseline", "a tenants file". */
	noun: string;
	/** Why the depth limit is plenty: "a baseline needs 4 (the file, products, except, a value)". */
	depth: string;
	/** Why the entries limit is plenty: "a baseline lists only the rows that differ from its default". */
	entries: string;
};

export type YamlRead = {
	/** The document as plain data; undefined when there is no usable document (see problems). */
	data?: unknown;
	/** The parsed document, for the reader's own look-ups (keysInOrder). */
	doc?: Document.Parsed;
	problems: FileProblem[];
	/** The line a path is on (of its key, or of the nearest parent that exists). */
	lineOf(path: readonly (string | number)[]): number | undefined;
};

/** Text from the file quoted in a problem: one problem stays one readable line. */
export function clip(text: string, max = 60): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Parses `text` as one YAML document within YAML_LIMITS: syntax, nesting, entries, aliases (only
 * of values, only backwards), tags of plain data only, unique keys. `data` is set only when there
 * are no problems.
 */
export function readYamlDocument(text: string, words: FileWords): YamlRead {
	const lineCounter = new LineCounter();
	const read = readYaml(text, lineCounter, words);
	const lineOf = read.doc ? pathLines(read.doc, lineCounter) : () => undefined;
	if (!read.doc || read.problems.length > 0) return {doc: read.doc, problems: sortProblems(read.problems), lineOf};
	try {
		// readYaml allows only aliases of values, YAML_LIMITS.aliases of them, so yaml's own bound
		// (per anchor) is never reached; should it be, it is the file's problem all the same.
		return {doc: read.doc, data: read.doc.toJS({maxAliasCount: YAML_LIMITS.aliases}), problems: [], lineOf};
	} catch (error) {
		if (!(error instanceof ReferenceError)) throw error;
		return {doc: read.doc, problems: [{path: '', message: `aliases: ${error.message}`}], lineOf};
	}
}

/** "file:line: path: message", one line per problem: the file's own keys and values made safe. */
export function formatProblem(file: string, problem: FileProblem): string {
	const where = problem.line ? `${file}:${problem.line}` : file;
	return safeText(`${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
}

/** Problems in the order of the file's lines (those without a line last). */
export function sortProblems(problems: FileProblem[]): FileProblem[] {
	return problems.map((p, i) => ({p, i})).sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i).map(({p}) => p);
}

/** A key as the path segment it is in problems and lineOf (what toJS makes of a scalar key). */
function keyText(key: unknown): string {
	return isScalar(key) ? String(key.value) : String(key);
}

export function keysInOrder(doc: Document, path: readonly string[]): string[] {
	const node = doc.getIn(path, true);
	if (!isMap(node)) return [];
	return node.items.map(pair => keyText(pair.key));
}

/**
 * The line of a path's key (or of the nearest parent that exists). Each mapping is indexed once,
 * on its first look-up: a look-up per problem stays O(1) (a scan of the mapping per problem was
 * quadratic: 16,000 unknown IDs took seconds).
 */
function pathLines(doc: Document, lineCounter: LineCounter): YamlRead['lineOf'] {
	const indexes = new Map<YAMLMap, Map<string, {key: unknown; value: unknown}>>();
	const indexOf = (map: YAMLMap) => {
		let index = indexes.get(map);
		if (!index) {
			index = new Map();
			// The first pair with a key wins, as a scan would find it.
			for (const pair of map.items) if (!index.has(keyText(pair.key))) index.set(keyText(pair.key), pair);
			indexes.set(map, index);
		}
		return index;
	};
	return path => {
		let node: unknown = doc.contents;
		let line: number | undefined;
		for (const segment of path) {
			if (isSeq(node)) {
				// A list item: its line is where the item starts.
				const item: unknown = node.items[Number(segment)];
				if (item === undefined) break;
				const range = isScalar(item) || isCollection(item) ? item.range : undefined;
				if (range) line = lineCounter.linePos(range[0]).line;
				node = item;
				continue;
			}
			if (!isMap(node)) break;
			const pair = indexOf(node).get(String(segment));
			if (!pair) break;
			const range = isScalar(pair.key) ? pair.key.range : undefined;
			if (range) line = lineCounter.linePos(range[0]).line;
			node = pair.value;
		}
		return line;
	};
}

/**
 * The file as a YAML document, or the problems that make it none. yaml's parseDocument, with the
 * limits it lacks, checked lexeme by lexeme so a hostile file stops where it crosses one: nesting
 * (the parser's stack; `[[[[…` would overflow yaml's recursive composer), entries, and syntax
 * errors. Duplicate keys are found with a Set (yaml compares each key with every earlier one:
 * quadratic in a big except list), and aliases are checked before toJS can expand them (checkNodes).
 */
function readYaml(text: string, lineCounter: LineCounter, words: FileWords): {doc?: Document.Parsed; problems: FileProblem[]} {
	const lineAt = (offset: number) => lineCounter.linePos(offset).line;
	const parser = new Parser(lineCounter.addNewLine);
	lineCounter.addNewLine(0);
	const tokens: CST.Token[] = [];
	let syntaxErrors = 0;
	let documents = 0;
	let entries = 0;
	let scalarNext = false;
	// The flow collections open here: a `,` ends an entry of a list, but in a mapping its key's `:` counted it already.
	const flow: string[] = [];
	for (const lexeme of new Lexer().lex(text)) {
		// An entry is one indicator: `key:`, `- item`, `? key`, or a `,` in a flow list. The lexer marks
		// a plain scalar with U+001F first, so a value that is just `-` or `:` is not counted.
		if (!scalarNext) {
			if (lexeme === '[' || lexeme === '{') flow.push(lexeme);
			else if (lexeme === ']' || lexeme === '}') flow.pop();
			const entry = lexeme === ':' || lexeme === '-' || lexeme === '?' || (lexeme === ',' && flow.at(-1) === '[');
			if (entry && ++entries > YAML_LIMITS.entries) {
				const message = `more than ${YAML_LIMITS.entries.toLocaleString('en-US')} entries (keys and list items): ${words.entries}`;
				return {problems: [{path: '', line: lineAt(parser.offset), message}]};
			}
		}
		scalarNext = lexeme === '\u001f';
		for (const token of parser.next(lexeme)) {
			tokens.push(token);
			if (token.type === 'error') syntaxErrors += 1;
			if (token.type === 'document') documents += 1;
		}
		// The stack holds the document, then each collection open here and the value being read.
		if (parser.stack.length > YAML_LIMITS.depth + 1) {
			const message = `nested more than ${YAML_LIMITS.depth} levels deep: ${words.depth}`;
			return {problems: [{path: '', line: lineAt(parser.offset), message}]};
		}
		// Past this the file is not YAML at all (a megabyte of `]` is a million errors), or not one
		// document (a megabyte of `---`): read no further.
		if (syntaxErrors > YAML_LIMITS.syntaxErrors || documents > 1) break;
	}
	for (const token of parser.end()) tokens.push(token);
	let doc: Document.Parsed | undefined;
	const problems: FileProblem[] = [];
	// Each of yaml's errors is an Error, and capturing its stack is most of the cost of a file made
	// of mistakes; nothing reads those stacks. Restored before anything else runs (this is synchronous).
	const stackTraceLimit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		for (const next of new Composer({uniqueKeys: false}).compose(tokens, true, text.length)) {
			if (doc) {
				problems.push({path: '', line: lineAt(next.range[0]), message: `not valid YAML: a second document (after ---): ${words.noun} is one document`});
				break;
			}
			doc = next;
		}
	} finally {
		Error.stackTraceLimit = stackTraceLimit;
	}
	if (!doc) return {problems: [{path: '', message: 'not valid YAML'}]};
	for (const error of doc.errors.slice(0, YAML_LIMITS.syntaxErrors)) {
		problems.push({path: '', line: lineAt(error.pos[0]), message: `not valid YAML: ${clip(error.message.split('\n')[0]!, 200)}`});
	}
	const unlisted = doc.errors[YAML_LIMITS.syntaxErrors];
	if (unlisted || syntaxErrors > YAML_LIMITS.syntaxErrors) {
		const line = lineAt(unlisted?.pos[0] ?? parser.offset);
		problems.push({path: '', line, message: `not valid YAML: more than ${YAML_LIMITS.syntaxErrors} errors; the rest, from here on, are not listed (fix the ones above first)`});
	}
	if (problems.length > 0) return {doc, problems};
	return {doc, problems: checkNodes(doc, lineAt, words)};
}

/** The tags of plain data; any other (`!!binary`, `!!set`, `!foo`) makes something no file of ours holds. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map(name => `tag:yaml.org,2002:${name}`));

/**
 * What yaml leaves to its reader, in one pass over the nodes: every key is one value (a list or
 * mapping as a key is no ID) and unique in its mapping; aliases are few, name an anchor defined
 * before them and repeat a value only; tags are those of plain data. An alias of a list or mapping
 * is what an alias bomb is made of ("billion laughs": each level repeats the one before), and
 * `!!binary` turns a megabyte of base64 into a Buffer with a key per byte; no file of ours needs either.
 */
function checkNodes(doc: Document.Parsed, lineAt: (offset: number) => number, words: FileWords): FileProblem[] {
	const problems: FileProblem[] = [];
	const problem = (node: Node | null, message: string) => problems.push({path: '', line: node?.range ? lineAt(node.range[0]) : undefined, message});
	const anchors = new Map<string, Node>();
	// What each alias stands for, as it stood where the alias is (an anchor may be defined again later).
	const aliased = new Map<Node, Node | undefined>();
	const maps: YAMLMap[] = [];
	let aliases = 0;
	const properties = (node: Node) => {
		if (node.anchor) anchors.set(node.anchor, node);
		if (node.tag && !PLAIN_TAGS.has(node.tag)) {
			problem(node, `${clip(node.tag.replace('tag:yaml.org,2002:', '!!'))}: ${words.noun} holds plain values, mappings and lists; write it without the tag`);
		}
	};
	visit(doc, {
		Scalar: (_, node) => properties(node),
		Seq: (_, node) => properties(node),
		Map: (_, node) => {
			properties(node);
			maps.push(node);
		},
		Alias: (_, alias) => {
			aliases += 1;
			const target = anchors.get(alias.source);
			aliased.set(alias, target);
			if (aliases > YAML_LIMITS.aliases) {
				// One line for the lot, where the limit is crossed.
				if (aliases === YAML_LIMITS.aliases + 1) problem(alias, `more than ${YAML_LIMITS.aliases} aliases (*name): ${words.noun} needs none; write the values out`);
			} else if (!target) problem(alias, `*${clip(alias.source)} is an alias of nothing: no &${clip(alias.source)} before it`);
			else if (isCollection(target)) problem(alias, `*${clip(alias.source)} repeats a ${isSeq(target) ? 'list' : 'mapping'}: aliases may only repeat a value; write it out`);
		},
	});
	if (problems.length > 0) return problems;
	for (const map of maps) {
		const seen = new Map<string, Node>();
		for (const {key} of map.items) {
			const node = isAlias(key) ? aliased.get(key) : key;
			if (isCollection(node)) {
				problem(key as Node, 'not a key: a key is one value (an ID), not a list or mapping');
				continue;
			}
			// Keys are the same when their values are (yaml's rule: 1 and 1.0 are, 1 and "1" are not).
			const value: unknown = isScalar(node) ? node.value : null;
			const id = `${typeof value}:${String(value)}`;
			const earlier = seen.get(id);
			if (earlier) {
				const where = earlier.range ? ` (also on line ${lineAt(earlier.range[0])})` : '';
				problem(key as Node, `not valid YAML: Map keys must be unique: ${clip(String(value))}${where}`);
			} else if (isScalar(key) || isAlias(key)) seen.set(id, key);
		}
	}
	return problems;
}
