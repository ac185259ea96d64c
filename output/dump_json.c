/* dump_json.c - a snapshot as one JSON object (frames innermost first). */
#include "dump.h"
#include "json.h"

static int dump_json_frame(FILE *out, const struct dump_frame *frame)
{
    if (fputs("{\"name\":", out) < 0 || json_write_string(out, frame->name) != 0 ||
        fputs(",\"file\":", out) < 0 || json_write_string(out, frame->file) != 0 ||
        fprintf(out, ",\"line\":%d}", frame->line) < 0)
        return -1;
    return 0;
}

static int dump_json_thread(FILE *out, const struct dump_thread *thread)
{
    if (fprintf(out, "{\"tid\":%llu,\"name\":", (unsigned long long)thread->tid) < 0 ||
        json_write_string(out, thread->name) != 0 ||
        fprintf(out, ",\"holds_gil\":%s,\"truncated\":%s,\"frames\":[",
                thread->holds_gil ? "true" : "false", thread->truncated ? "true" : "false") < 0)
        return -1;
    for (size_t i = 0; i < thread->depth; i++) {
        if ((i > 0 && fputc(',', out) == EOF) || dump_json_frame(out, &thread->frames[i]) != 0)
            return -1;
    }
    return fputs("]}", out) < 0 ? -1 : 0;
}

int dump_json_write(FILE *out, const struct dump *dump)
{
    if (fprintf(out, "{\"pid\":%d,\"python_version\":", dump->pid) < 0 ||
        json_write_string(out, dump->python_version) != 0 || fputs(",\"threads\":[", out) < 0)
        return -1;
    for (size_t t = 0; t < dump->thread_count; t++) {
        if ((t > 0 && fputc(',', out) == EOF) || dump_json_thread(out, &dump->threads[t]) != 0)
            return -1;
    }
    if (fputs("]}\n", out) < 0)
        return -1;
    return fflush(out) == 0 ? 0 : -1;
}
