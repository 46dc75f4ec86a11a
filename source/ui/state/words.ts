/**
 * One vocabulary for values in the dashboard, at every width: "Trials only" for
 * OnlyTrialsWithoutPaymentMethod in the list, the counts, dialogs, statuses and problems; the
 * service's full name only in the detail panel (i), beside the short one, so the CLI's and
 * PowerShell's word can be found. Text from the rest of the program (a refused value's reason, a
 * problem's title) passes through `dashboardWords` before it is shown.
 */
import type {PolicyValue} from '../../commerce/types.js';
import {VALUE_LABEL} from '../../commerce/values.js';

export function valueLabel(value: PolicyValue): string {
	return VALUE_LABEL[value];
}

/** The value as the detail panel names it: the dashboard's word, and the service's where they differ. */
export function fullValue(value: PolicyValue): string {
	return VALUE_LABEL[value] === value ? value : `${VALUE_LABEL[value]} (${value})`;
}

/** Text written elsewhere (commerce/, problems/), in the dashboard's words. */
export function dashboardWords(text: string): string {
	return text.replaceAll('OnlyTrialsWithoutPaymentMethod', VALUE_LABEL.OnlyTrialsWithoutPaymentMethod);
}

/** A retry the HTTP layer is waiting out (Backend.onRetry): why, which try, and when it sends again. */
export type RetryNotice = {reason: string; attempt: number; until: number};

function why(reason: string): string {
	if (reason === '429') return 'The service is throttling requests (429)';
	if (reason === '503') return 'The service is busy (503)';
	if (/^\d+$/.test(reason)) return `The service failed (${reason})`;
	return `The connection dropped (${reason})`;
}

/** "The service is throttling requests (429): try 2 in 4 s". */
export function retryText(retry: RetryNotice, now: number): string {
	const seconds = Math.max(0, Math.ceil((retry.until - now) / 1000));
	return `${why(retry.reason)}: retrying${seconds > 0 ? ` in ${seconds} s` : ' now'} (try ${retry.attempt + 1})`;
}
