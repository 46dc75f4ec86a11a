import {Text} from 'ink';
import {memo} from 'react';
import {useTheme} from '../theme.js';

export type FooterItem = {key: string; label: string};

function itemWidth(item: FooterItem): number {
	return item.key.length + 1 + item.label.length + 2;
}

/**
 * The keys that apply now, as many as fit on one line (the first ones matter most), then the
 * pinned ones (help, quit), which always show.
 */
export const Footer = memo(function Footer({items, pinned = [], width}: {items: readonly FooterItem[]; pinned?: readonly FooterItem[]; width: number}) {
	const theme = useTheme();
	const shown: FooterItem[] = [];
	let used = pinned.reduce((total, item) => total + itemWidth(item), 0);
	for (const item of items) {
		const length = itemWidth(item);
		if (used + length > width) break;
		shown.push(item);
		used += length;
	}
	shown.push(...pinned);
	return (
		<Text wrap="truncate-end">
			{shown.map((item, index) => (
				<Text key={item.key + item.label}>
					{index > 0 ? '  ' : ''}
					<Text bold color={theme.text.accent}>
						{item.key}
					</Text>{' '}
					<Text color={theme.text.muted}>{item.label}</Text>
				</Text>
			))}
		</Text>
	);
});
