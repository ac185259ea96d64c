/* dump_text.c - a snapshot printed like Python tracebacks, one per thread. */
#include "dump.h"

int dump_text_write(FILE *out, const struct dump *dump)
{
    if (fprintf(out, "Process %d%s%s\nPython %s\n", dump->pid, dump->command ? ": " : "",
                dump->command ? dump->command : "", dump->python_version) < 0)
        return -1;
    for (size_t t = 0; t < dump->thread_count; t++) {
        const struct dump_thread *thread = &dump->threads[t];
        if (fprintf(out, "\nThread %llu \"%s\"%s\n", (unsigned long long)thread->tid,
                    thread->name, thread->holds_gil ? " (holds the GIL)" : "") < 0)
            return -1;
        if (thread->depth == 0 && fprintf(out, "  (no Python frames)\n") < 0)
            return -1;
        if (thread->truncated && fprintf(out, "  ... outer frames cut at the depth limit\n") < 0)
            return -1;
        for (size_t i = thread->depth; i-- > 0;) {
            const struct dump_frame *frame = &thread->frames[i];
            /* dump --native: a C frame has no line ("deflate" in libz.so.1) */
            if (frame->line < 0 ? fprintf(out, "  <native> %s%s%s%s\n", frame->name,
                                          frame->file[0] ? " (" : "", frame->file,
                                          frame->file[0] ? ")" : "") < 0
                                : fprintf(out, "  File \"%s\", line %d, in %s\n", frame->file,
                                          frame->line, frame->name) < 0)
                return -1;
            if (frame->source && fprintf(out, "    %s\n", frame->source) < 0)
                return -1;
        }
    }
    if (dump->with_tasks && dump_tasks_text_write(out, dump) != 0)
        return -1;
    return fflush(out) == 0 ? 0 : -1;
}
