export declare function treeContentBytes(root: string, signal?: AbortSignal): Promise<number>;
export declare function treeDiskBytes(root: string, signal?: AbortSignal): Promise<number>;
