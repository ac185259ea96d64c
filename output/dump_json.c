/* dump_json.c - a snapshot as one JSON object (frames innermost first). */
#include <stdint.h>
#include <stdlib.h>

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

static int dump_json_task(FILE *out, const struct dump_task *task)
{
    if (fprintf(out, "{\"id\":%llu,\"name\":", (unsigned long long)task->id) < 0 ||
        json_write_string(out, task->name) != 0 ||
        fprintf(out, ",\"state\":\"%s\",\"tid\":", task->state) < 0 ||
        (task->tid ? fprintf(out, "%llu", (unsigned long long)task->tid)
                   : fprintf(out, "null")) < 0 ||
        fputs(",\"coro_frames\":[", out) < 0)
        return -1;
    for (size_t i = 0; i < task->depth; i++)
        if ((i > 0 && fputc(',', out) == EOF) || dump_json_frame(out, &task->frames[i]) != 0)
            return -1;
    if (fputs("],\"awaited_by\":[", out) < 0)
        return -1;
    for (size_t i = 0; i < task->awaited_by_count; i++)
        if (fprintf(out, "%s%llu", i ? "," : "", (unsigned long long)task->awaited_by[i]) < 0)
            return -1;
    return fputs("]}", out) < 0 ? -1 : 0;
}

static int dump_json_tasks(FILE *out, const struct dump *dump)
{
    if (fputs(",\"tasks\":[", out) < 0)
        return -1;
    for (size_t i = 0; i < dump->task_count; i++)
        if ((i > 0 && fputc(',', out) == EOF) || dump_json_task(out, &dump->tasks[i]) != 0)
            return -1;
    if (fputs("],\"task_cycles\":[", out) < 0)
        return -1;
    size_t cap = dump->task_count * 2 + 1;
    size_t *cycles = malloc(cap * sizeof *cycles);
    if (!cycles)
        return -1;
    size_t count = dump_task_cycles(dump, cycles, cap);
    int rc = 0;
    for (size_t k = 0, first = 1; count > 0 && rc == 0; k++) {
        if (cycles[k] == SIZE_MAX) {
            rc = fputc(']', out) == EOF ? -1 : 0;
            first = 1;
            count--;
            continue;
        }
        rc = fprintf(out, "%s%llu", first ? (k ? ",[" : "[") : ",",
                     (unsigned long long)dump->tasks[cycles[k]].id) < 0 ? -1 : 0;
        first = 0;
    }
    free(cycles);
    if (rc != 0)
        return -1;
    return fprintf(out, "],\"tasks_dropped\":%llu,\"tasks_capped\":%s",
                   (unsigned long long)dump->tasks_dropped,
                   dump->tasks_capped ? "true" : "false") < 0 ? -1 : 0;
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
    if (fputc(']', out) == EOF || (dump->with_tasks && dump_json_tasks(out, dump) != 0) ||
        fputs("}\n", out) < 0)
        return -1;
    return fflush(out) == 0 ? 0 : -1;
}
