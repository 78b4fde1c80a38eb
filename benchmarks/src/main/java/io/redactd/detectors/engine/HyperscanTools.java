package io.redactd.detectors.engine;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.List;

/** What the Hyperscan cost tools share: raw block-mode databases, scratch space, and the plan's private parts. */
final class HyperscanTools {
    private HyperscanTools() {
    }

    /** One block-mode database of {@code exprs}, with their flags and ids. */
    static hs_database_t compile(List<String> exprs, int[] flags, int[] ids) {
        int n = exprs.size();
        PointerPointer<BytePointer> e = new PointerPointer<>(n);
        IntPointer f = new IntPointer(n);
        IntPointer id = new IntPointer(n);
        for (int i = 0; i < n; i++) {
            e.put(i, new BytePointer(exprs.get(i)));
            f.put(i, flags[i]);
            id.put(i, ids[i]);
        }
        PointerPointer<hs_database_t> db = new PointerPointer<>(1);
        PointerPointer<hs_compile_error_t> err = new PointerPointer<>(1);
        if (hyperscan.hs_compile_multi(e, f, id, n, hyperscan.HS_MODE_BLOCK, null, db, err) != hyperscan.HS_SUCCESS) {
            throw new IllegalStateException("compile failed");
        }
        return db.get(hs_database_t.class);
    }

    /** Scratch space large enough for {@code db} too (grows {@code existing}, which may be null). */
    static hs_scratch_t scratch(hs_database_t db, hs_scratch_t existing) {
        PointerPointer<hs_scratch_t> out = new PointerPointer<>(1);
        out.put(0, existing);
        if (hyperscan.hs_alloc_scratch(db, out) != hyperscan.HS_SUCCESS) {
            throw new IllegalStateException("scratch");
        }
        return out.get(hs_scratch_t.class);
    }

    /** A private field of a compiled plan (the tools measure its parts one by one). */
    static Object field(Object o, String name) {
        try {
            java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
