import {Box, Text} from 'ink';
import {memo} from 'react';
import {POLICY_VALUES, type Policy, type PolicyValue} from '../../commerce/types.js';
import {VALUE_LABEL} from '../../commerce/values.js';
import type {AccountSummary} from '../backend.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

export const HEADER_HEIGHT = 3;

export type HeaderProps = {
	account: AccountSummary;
	policyId: string;
	policy: Policy | undefined;
	/** Counts per value in the current tab. */
	counts: Record<PolicyValue, number>;
	width: number;
};

/** Who, which tenant, which policy (default value, description) and counts per value: three lines. */
export const Header = memo(function Header({account, policyId, policy, counts, width}: HeaderProps) {
	const theme = useTheme();
	const tenant = account.tenantName && account.tenantName !== account.tenantId ? `${account.tenantName} (${account.tenantId})` : account.tenantId;
	const who = truncate(`${account.username} · ${tenant}`, Math.max(0, width - 'mscommerce  '.length));
	const policyText = `${policy?.id ?? policyId} · default ${policy?.defaultValue ?? '…'}`;
	const countText = POLICY_VALUES.map(value => `${VALUE_LABEL[value]} ${counts[value]}`).join(' · ');
	// Counts go beside the policy when they fit, else before the description on the third line.
	const countsBeside = policyText.length + 3 + countText.length <= width;
	const counted = POLICY_VALUES.map((value, index) => (
		<Text key={value}>
			{index > 0 ? ' · ' : ''}
			<Text color={theme.value[value]}>{VALUE_LABEL[value]}</Text> {counts[value]}
		</Text>
	));
	const description = policy?.description ?? 'Loading the policy…';
	return (
		<Box flexDirection="column" height={HEADER_HEIGHT}>
			<Text wrap="truncate-end">
				<Text bold color={theme.text.accent}>
					mscommerce
				</Text>
				{'  '}
				{who}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>{truncate(policyText, width)}</Text>
				{countsBeside ? <Text>{'   '}{counted}</Text> : null}
			</Text>
			<Text wrap="truncate-end">
				{countsBeside ? null : <Text>{counted} · </Text>}
				<Text color={theme.text.muted} dimColor={!theme.color}>
					{truncate(description, countsBeside ? width : Math.max(0, width - countText.length - 3))}
				</Text>
			</Text>
		</Box>
	);
});
