package org.promptseg.jobs.data;

import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.promptseg.volume.preprocess.Patch;
import scala.Tuple2;

/**
 * The patch dataset's Parquet schema (DESIGN §4) and the conversion between its rows and
 * {@link Patch}: int16 HU image and uint8 labels as little-endian binary, partitioned by center.
 */
public final class PatchTable {
    public static final String CENTER = "center";
    /** The Parquet files sit in this folder of a patch dataset, beside shard.json and the fingerprint partials. */
    public static final String PARQUET_DIR = "parquet";
    public static final String SPLIT = "split";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(CENTER, DataTypes.StringType, false),
        DataTypes.createStructField("case_id", DataTypes.StringType, false),
        DataTypes.createStructField(SPLIT, DataTypes.StringType, false),
        DataTypes.createStructField("patch_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("origin_zyx", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("shape_zyx", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("spacing_zyx", DataTypes.createArrayType(DataTypes.DoubleType, false), false),
        DataTypes.createStructField("image", DataTypes.BinaryType, false),
        DataTypes.createStructField("label", DataTypes.BinaryType, true),
        DataTypes.createStructField("foreground", DataTypes.BooleanType, false),
    });

    private PatchTable() {}

    public static Row toRow(Patch p, String split) {
        return RowFactory.create(p.center(), p.caseId(), split, p.index(), boxed(p.originZyx()), boxed(p.shapeZyx()), boxed(p.spacingZyx()),
                p.imageBytesLE(), p.label(), p.foreground());
    }

    public static Patch fromRow(Row r) {
        return new Patch(r.getString(r.fieldIndex(CENTER)), r.getString(r.fieldIndex("case_id")), r.getInt(r.fieldIndex("patch_index")),
                ints(r.getList(r.fieldIndex("origin_zyx"))), ints(r.getList(r.fieldIndex("shape_zyx"))),
                doubles(r.getList(r.fieldIndex("spacing_zyx"))), Patch.imageFromBytesLE((byte[]) r.get(r.fieldIndex("image"))),
                (byte[]) r.get(r.fieldIndex("label")), r.getBoolean(r.fieldIndex("foreground")));
    }

    /**
     * The patches of some centers and one split, keyed by center.
     *
     * @param centers the centers to read (others are skipped by partition pruning)
     */
    public static JavaPairRDD<String, Patch> read(SparkSession spark, String uri, List<String> centers, String split) {
        Dataset<Row> df = spark.read().parquet(parquetPath(uri))
                .where(org.apache.spark.sql.functions.col(CENTER).isin(centers.toArray()))
                .where(org.apache.spark.sql.functions.col(SPLIT).equalTo(split));
        return df.javaRDD().mapToPair(r -> {
            Patch p = fromRow(r);
            return new Tuple2<>(p.center(), p);
        });
    }

    /** The distinct case ids of some centers and one split, by center, sorted (reads two small columns only). */
    public static java.util.Map<String, List<String>> caseIds(SparkSession spark, String uri, List<String> centers, String split) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        spark.read().parquet(parquetPath(uri))
                .where(org.apache.spark.sql.functions.col(CENTER).isin(centers.toArray()))
                .where(org.apache.spark.sql.functions.col(SPLIT).equalTo(split))
                .select(CENTER, "case_id").distinct().collectAsList()
                .forEach(r -> out.computeIfAbsent(r.getString(0), c -> new java.util.ArrayList<>()).add(r.getString(1)));
        out.values().forEach(java.util.Collections::sort);
        return out;
    }

    /** The Parquet folder of the patch dataset at {@code uri}. */
    public static String parquetPath(String uri) {
        return new org.apache.hadoop.fs.Path(org.promptseg.common.Uris.toPath(uri), PARQUET_DIR).toString();
    }

    private static Integer[] boxed(int[] a) {
        Integer[] b = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static Double[] boxed(double[] a) {
        Double[] b = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static int[] ints(List<Object> l) {
        return l.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static double[] doubles(List<Object> l) {
        return l.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }
}
