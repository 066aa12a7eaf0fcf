/** The corpus folder: OVFKIT_CORPUS, else ../shared/corpus beside the repository. */
export declare const corpusRoot: string;
/** True when the corpus' PROVENANCE.tsv is there to read. */
export declare const corpusPresent: boolean;
/** mocha's describe, or describe.skip (its tests collected as pending) when the corpus is absent. */
export declare function describeCorpus(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite;
/** mocha's it, or a pending test when the corpus is absent. */
export declare function itCorpus(title: string, fn: Mocha.Func): Mocha.Test;
export declare function itCorpus(title: string, fn: Mocha.AsyncFunc): Mocha.Test;
/** Every row of the corpus' PROVENANCE.tsv keyed by column name (none while a skipped suite is collected). */
export declare function provenanceRecords(): Record<string, string>[];
/** A corpus file's bytes, read in place (an empty buffer while a skipped suite is collected). */
export declare function readCorpus(localPath: string): Buffer;
/** The one line the reporter prints at the end when tests were skipped for want of the corpus, else undefined. */
export declare function skipLine(): string | undefined;
