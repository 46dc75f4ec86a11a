/**
 * What a key does in the fleet view, decided without React (like decide.ts for a tenant's
 * dashboard): the actions for the fleet reducer and at most one effect for the screen to run
 * (open a tenant's dashboard, load tenants again, quit).
 */
import {Command} from '../keys.js';
import type {Tone} from './dashboard.js';
import {entryOf, FLEET_SORT_KEYS, FLEET_SORT_LABEL, selectedTenant, type FleetAction, type FleetState} from './fleet.js';
import {helpScroll, printable, scrolledBy, type Pressed} from './decide.js';
import {isMoveCommand} from './listWindow.js';

export type FleetEffect = {type: 'quit'; code: number} | {type: 'open'; id: string} | {type: 'reload'; ids: string[]};

export type FleetDecision = {actions: FleetAction[]; effect?: FleetEffect};

export type FleetDecideContext = {
	/** Rows of the list on screen: what PgUp / PgDn move by. */
	page: number;
	/** How far the open help scrolls, and by how much a page. */
	scrollMax: number;
	scrollPage: number;
};

const say = (text: string, tone: Tone = 'info'): FleetAction => ({type: 'status', status: {text, tone}});
const only = (...actions: FleetAction[]): FleetDecision => ({actions});

export function decideFleet(state: FleetState, {action, text}: Pressed, context: FleetDecideContext): FleetDecision {
	const {command} = action;
	if (command === Command.Interrupt) return {actions: [], effect: {type: 'quit', code: 130}};
	const scrollBy = (delta: number) => only({type: 'scroll', to: scrolledBy(state.scroll, context.scrollMax, delta)});

	switch (state.mode) {
		case 'help': {
			if (command === Command.CloseHelp) return only({type: 'help', open: false});
			const delta = helpScroll(command, context.scrollPage);
			return delta === undefined ? only() : scrollBy(delta);
		}
		case 'filter':
			if (isMoveCommand(command)) return only({type: 'move', command, height: context.page});
			switch (command) {
				case Command.FilterClear:
					return only({type: 'filter-clear'});
				case Command.FilterKeep:
					return only({type: 'filter-keep'});
				case Command.FilterErase:
					return only({type: 'filter-erase'});
				case Command.FilterType: {
					const typed = printable(text);
					return typed ? only({type: 'filter-type', text: typed}) : only();
				}
				default:
					return only();
			}
		case 'fleet':
			break;
	}

	// In the list, any key clears the last message first.
	const clear: FleetAction[] = state.status ? [{type: 'status', status: undefined}] : [];
	const then = (decision: FleetDecision): FleetDecision => ({actions: [...clear, ...decision.actions], effect: decision.effect});
	if (isMoveCommand(command)) return then(only({type: 'move', command, height: context.page}));
	const selected = selectedTenant(state);
	switch (command) {
		case Command.Quit:
			return {actions: [], effect: {type: 'quit', code: 0}};
		case Command.Open:
			if (!selected) return then(only(say(state.query ? `No tenant matches /${state.query}` : 'No tenant selected')));
			return {actions: clear, effect: {type: 'open', id: selected.id}};
		case Command.Reload:
			if (!selected) return then(only(say('No tenant selected')));
			if (entryOf(state, selected.id).loading) return then(only(say(`Still loading ${selected.name}`)));
			return {actions: [...clear, say(`Reloading ${selected.name}…`)], effect: {type: 'reload', ids: [selected.id]}};
		case Command.ReloadAll: {
			const idle = state.tenants.filter(tenant => !entryOf(state, tenant.id).loading).map(tenant => tenant.id);
			if (idle.length === 0) return then(only(say('Every tenant is still loading')));
			return {actions: clear, effect: {type: 'reload', ids: idle}};
		}
		case Command.Sort: {
			const sort = FLEET_SORT_KEYS[(FLEET_SORT_KEYS.indexOf(state.sort) + 1) % FLEET_SORT_KEYS.length] ?? 'name';
			return then(only({type: 'sort', sort}, say(`Sorted by ${FLEET_SORT_LABEL[sort]}`)));
		}
		case Command.Filter:
			return then(only({type: 'filter-open'}));
		case Command.Escape:
			return then(state.query ? only({type: 'filter-clear'}) : only());
		case Command.Help:
			return then(only({type: 'help', open: true}));
		default:
			return then(only());
	}
}
