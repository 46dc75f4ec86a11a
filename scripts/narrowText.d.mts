/** The characters one column wide that the build measures by count (see narrowText.mjs). */
export declare const NARROW_CLASS: string;
