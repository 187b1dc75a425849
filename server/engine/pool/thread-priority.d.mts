/** How much lower (in nice steps) than the thread that started them the compute threads run. */
export declare const THREAD_NICE_STEP: number;
/** Lowers the calling thread's scheduling priority by THREAD_NICE_STEP (Linux only; elsewhere nothing). */
export declare function lowerThreadPriority(): void;
