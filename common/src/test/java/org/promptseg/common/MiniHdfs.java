package org.promptseg.common;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS (namenode + datanode in this JVM, loopback only) shared by all tests of one test JVM.
 * Started on first use, stopped by a shutdown hook. Tests get their own directory via {@link #newDir}.
 */
public final class MiniHdfs {
    private static MiniDFSCluster cluster;

    private MiniHdfs() {}

    public static synchronized MiniDFSCluster cluster() {
        if (cluster == null) {
            try {
                File base = new File(System.getProperty("java.io.tmpdir"), "minihdfs-" + ProcessHandle.current().pid());
                Configuration conf = new Configuration();
                conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
                conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
                conf.set("dfs.datanode.address", "127.0.0.1:0");
                conf.set("dfs.datanode.http.address", "127.0.0.1:0");
                conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
                conf.set("dfs.namenode.http-address", "127.0.0.1:0");
                conf.setInt("dfs.replication", 1);
                conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
                cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
                cluster.waitActive();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.shutdown(true)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the HDFS minicluster", e);
            }
        }
        return cluster;
    }

    /** hdfs://127.0.0.1:port */
    public static String uri() {
        return "hdfs://127.0.0.1:" + cluster().getNameNodePort();
    }

    public static Configuration conf() {
        Configuration c = new Configuration(cluster().getConfiguration(0));
        // the client's default 400 ms back-off before asking for a block makes every small-file close slow
        c.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        return c;
    }

    public static FileSystem fs() {
        try {
            return cluster().getFileSystem();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty directory on the minicluster, e.g. hdfs://127.0.0.1:port/test/name-1234. */
    public static Path newDir(String name) {
        Path p = new Path(uri() + "/test/" + name + "-" + System.nanoTime());
        try {
            fs().mkdirs(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
